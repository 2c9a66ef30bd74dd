// Loads one of the project's TypeScript modules into a script that runs before `npm run build` (or without it), so a
// rule is written once: infra.mjs takes the broker principals and the kafkajs client helper from libs/ this way.
import { transformFileSync } from '@swc/core';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

const { swcOptions } = createRequire(import.meta.url)('../swc-options.cjs');
const loaded = new Map();

export function requireTypeScript(file) {
  if (loaded.has(file)) return loaded.get(file).exports;
  const module = { exports: {} };
  loaded.set(file, module);
  const { code } = transformFileSync(file, { ...swcOptions, sourceMaps: false, filename: file, swcrc: false });
  const requirePackage = createRequire(file);
  const requireFromFile = (specifier) => (specifier.startsWith('.') ? requireTypeScript(resolve(dirname(file), `${specifier}.ts`)) : requirePackage(specifier));
  new Function('exports', 'require', 'module', code)(module.exports, requireFromFile, module);
  return module.exports;
}
