// Each lib's public modules: the `@regsync/<lib>/<module>` other projects may import, listed one per line in
// libs/<lib>/public-api.json ("modules": libs/<lib>/src; "testing": libs/<lib>/test/support, imported as
// @regsync/<lib>-testing/<module>). Every other module of a lib is internal: its own files import it by relative path.
// eslint.config.mjs turns the lists into no-restricted-imports patterns, so `npm run lint` fails on a non-public import.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LIST_OF_DIR = { src: 'modules', 'test/support': 'testing' };
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One no-restricted-imports pattern per lib alias of tsconfig.base.json: any module of the alias but the listed ones. */
export function publicApiPatterns(workspaceRoot) {
  const { paths } = JSON.parse(readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8')).compilerOptions;
  const patterns = [];
  for (const [alias, [target]] of Object.entries(paths)) {
    const lib = /^libs\/([^/]+)\/(.+)\/\*$/.exec(target);
    if (!lib) continue; // @regsync/apps/*: apps are composed by two projects only (eslint.config.mjs)
    const [, name, dir] = lib;
    const listName = LIST_OF_DIR[dir];
    const file = join('libs', name, 'public-api.json');
    if (!listName) throw new Error(`public api: ${alias} maps to ${target}; only src/ and test/support/ of a lib have a list`);
    if (!existsSync(join(workspaceRoot, file))) throw new Error(`public api: ${file} is missing (it lists what ${alias} exposes)`);
    const modules = JSON.parse(readFileSync(join(workspaceRoot, file), 'utf8'))[listName] ?? [];
    for (const module of modules) {
      if (!existsSync(join(workspaceRoot, 'libs', name, dir, `${module}.ts`))) throw new Error(`public api: ${file} lists "${module}" in "${listName}", which is no module of libs/${name}/${dir}`);
    }
    const prefix = escapeRegExp(alias.slice(0, -1));
    patterns.push({
      caseSensitive: true,
      regex: modules.length > 0 ? `^${prefix}(?!(?:${modules.map(escapeRegExp).join('|')})$)` : `^${prefix}`,
      message: `not a public module of libs/${name}: import one that ${file} lists under "${listName}", or add it there (docs/architecture.md, "Public modules")`,
    });
  }
  return patterns;
}
