import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import { publicApiPatterns } from './tools/public-api.mjs';

// The layers of the project graph (tags in each project.json; docs/architecture.md explains them).
const INFRASTRUCTURE_PACKAGES = ['@nestjs/*', 'typeorm', 'kafkajs', 'pg', 'express'];
const LAYERS = [
  { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['scope:lib'] },
  { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:lib'] },
  { sourceTag: 'scope:lib', onlyDependOnLibsWithTags: ['scope:lib'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter', 'type:runtime'] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contract'], bannedExternalImports: [...INFRASTRUCTURE_PACKAGES, 'avsc'] },
  { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:contract'], bannedExternalImports: INFRASTRUCTURE_PACKAGES },
  { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter', 'type:runtime'] },
  { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter', 'type:runtime'] },
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter', 'type:runtime', 'type:tooling'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter', 'type:runtime', 'type:tooling'] },
];
// An app's tests may use the local tooling (waiting, the local broker credentials); the app itself never does.
const TEST_LAYERS = LAYERS.map((layer) => (layer.sourceTag === 'type:app' ? { ...layer, onlyDependOnLibsWithTags: [...layer.onlyDependOnLibsWithTags, 'type:tooling'] } : layer));
const TEST_FILES = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts'];
const boundaries = (depConstraints, allow = []) => ({ '@nx/enforce-module-boundaries': ['error', { allow, depConstraints }] });

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.cache/**', '.nx/**', 'tmp/**', 'coverage/**', 'libs/contracts/src/generated/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            // Let the framework do what it does: its public entries only, never its internals (constants, injector, enums).
            { group: ['@nestjs/*/*'], message: "NestJS internals: import from the package's public entry" },
            // Our libs likewise: the modules each lists in its public-api.json (tools/public-api.mjs).
            ...publicApiPatterns(import.meta.dirname),
          ],
        },
      ],
    },
  },
  { files: ['**/*.ts'], plugins: { '@nx': nx }, rules: boundaries(LAYERS) },
  { files: TEST_FILES, rules: boundaries(TEST_LAYERS) },
  // Only two places compose apps: the replay tool rebuilds a register by running that register's module, and the
  // system tests start them. Nothing else may import an app (@regsync/apps/* is there for these two).
  { files: ['apps/replay/**/*.ts'], ignores: TEST_FILES, rules: boundaries(LAYERS, ['@regsync/apps/**']) },
  { files: TEST_FILES.map((glob) => `apps/replay/${glob}`), rules: boundaries(TEST_LAYERS, ['@regsync/apps/**']) },
  { files: ['apps/system-e2e/**/*.ts'], rules: boundaries(TEST_LAYERS, ['@regsync/apps/**']) },
);
