#!/usr/bin/env node
// Programs the tests drive that npm cannot bring: Debian's headless Chromium (the ops-dashboard browser test;
// playwright-core has no browser of its own here), Prometheus' promtool (the alert rules' unit tests) and Prometheus
// itself (`npm start -- --monitoring`, the dashboard's alert panel test), both from Debian's prometheus, iptables
// (the relay failover test and the fault suite's partitions make a connection vanish as a dead host's would) and
// libfaketime (the fault suite's clock skew). Installs the
// Debian package of each one that is missing, when we may (root with apt-get); `node tools/ensure-debian-tools.mjs`
// does it from the command line.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const PROMTOOL_PATH = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';
export const PROMETHEUS_PATH = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';

const TOOLS = [
  { path: CHROMIUM_PATH, packages: ['chromium', 'fonts-dejavu-core'] },
  { path: PROMTOOL_PATH, packages: ['prometheus'] },
  { path: PROMETHEUS_PATH, packages: ['prometheus'] },
  { path: '/usr/sbin/iptables', packages: ['iptables'] },
  { path: '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', packages: ['faketime'] },
];

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

/** The paths of the tools, after installing the packages of those missing. */
export function ensureDebianTools() {
  const missing = TOOLS.filter((tool) => !existsSync(tool.path));
  if (missing.length === 0) return TOOLS.map((tool) => tool.path);
  const packages = [...new Set(missing.flatMap((tool) => tool.packages))];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    throw new Error(`ensure-debian-tools: ${missing.map((tool) => tool.path).join(', ')} missing; install Debian's ${packages.join(' ')} (apt-get install ${packages.join(' ')})`);
  }
  console.log(`ensure-debian-tools: installing Debian packages ${packages.join(' ')} ...`);
  if (!run('apt-get', ['update', '-q']) || !run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages])) {
    throw new Error(`ensure-debian-tools: apt-get install ${packages.join(' ')} failed (see the output above)`);
  }
  for (const tool of missing) {
    if (!existsSync(tool.path)) throw new Error(`ensure-debian-tools: installed, but ${tool.path} does not exist`);
  }
  return TOOLS.map((tool) => tool.path);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(`ensure-debian-tools: ${ensureDebianTools().join(', ')}`);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
