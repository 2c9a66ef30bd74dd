// Prints what tools/profile/service-profile.cjs wrote: per service its CPU seconds, its PostgreSQL statements (total and
// the most frequent), and where its sampled busy time went (by package, by regsync folder, or by V8/Node category).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [dir, top = '8'] = process.argv.slice(2);
if (!dir) throw new Error('usage: node tools/profile/summarize.mjs <PROFILE_DIR> [top]');

function cpuByCategory(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const micros = new Map();
  profile.samples.forEach((node, index) => micros.set(node, (micros.get(node) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const categories = new Map();
  for (const { id, callFrame } of profile.nodes) {
    const { url, functionName } = callFrame;
    const category = url.match(/node_modules\/((@[^/]+\/)?[^/]+)/)?.[1] ?? (url.includes('/dist/') ? url.split('/dist/')[1].split('/').slice(0, 3).join('/') : url.startsWith('node:') ? 'node internals' : functionName || '(native)');
    if (category !== '(idle)') categories.set(category, (categories.get(category) ?? 0) + (micros.get(id) ?? 0) / 1e6);
  }
  return [...categories].sort((a, b) => b[1] - a[1]);
}

for (const name of readdirSync(dir).filter((file) => file.endsWith('.json')).sort()) {
  const { service, cpu, statements } = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  const total = statements.reduce((sum, [, count]) => sum + count, 0);
  console.log(`${service}: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, ${total} database statements`);
  for (const [text, count] of statements.slice(0, Number(top))) console.log(`  ${String(count).padStart(6)}  ${text}`);
  const profile = join(dir, name.replace(/\.json$/, '.cpuprofile'));
  if (!existsSync(profile)) continue;
  const categories = cpuByCategory(profile);
  console.log(`  busy time sampled (wall clock: on a loaded machine it includes waiting for a core): ${categories.slice(0, Number(top)).map(([category, seconds]) => `${category} ${seconds.toFixed(1)} s`).join(', ')}`);
}
