// Compiles apps/, libs/ and bench/ to dist/ (or --out-dir <dir>) with SWC (type checking is `npm run typecheck`).
import { transformFile } from '@swc/core';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';

const { swcOptions, workspaceRoot } = createRequire(import.meta.url)('./swc-options.cjs');
const outDirFlag = process.argv.indexOf('--out-dir');
const outDir = join(workspaceRoot, outDirFlag >= 0 ? process.argv[outDirFlag + 1] : 'dist');

async function* sourceFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

const started = Date.now();
await rm(outDir, { recursive: true, force: true });
const jobs = [];
for (const root of ['apps', 'libs', 'bench'].filter((name) => existsSync(join(workspaceRoot, name)))) {
  for await (const file of sourceFiles(join(workspaceRoot, root))) {
    const target = join(outDir, relative(workspaceRoot, file)).replace(/\.ts$/, '.js');
    jobs.push(
      transformFile(file, { ...swcOptions, filename: file, swcrc: false }).then(async ({ code }) => {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, code);
      }),
    );
  }
}
await Promise.all(jobs);
console.log(`build: ${jobs.length} files compiled to ${relative(workspaceRoot, outDir)}/ in ${Date.now() - started} ms`);
