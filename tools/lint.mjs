#!/usr/bin/env node
// `npm run lint`: ESLint with the module boundaries of the project graph. @nx/enforce-module-boundaries reads Nx's
// cached project graph and skips its checks when there is none (a fresh clone), so the graph is computed first.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, NX_DAEMON: 'false' };
const graph = spawnSync('npx', ['nx', 'show', 'projects'], { env, encoding: 'utf8' });
if (graph.status !== 0) {
  process.stderr.write(graph.stdout + graph.stderr);
  console.error('lint: the Nx project graph could not be computed (see above)');
  process.exit(1);
}
const eslint = spawnSync('npx', ['eslint', '--max-warnings=0', ...(process.argv.length > 2 ? process.argv.slice(2) : ['.'])], { env, stdio: 'inherit' });
process.exit(eslint.status ?? 1);
