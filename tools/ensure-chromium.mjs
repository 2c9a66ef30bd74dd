#!/usr/bin/env node
// The ops-dashboard end-to-end test drives Debian's headless Chromium (playwright-core does not bring a browser
// of its own here). Installs the `chromium` package when it is missing and we may (root with apt-get).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return result.status === 0;
}

export function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!isRoot || !hasApt) {
    throw new Error(`ensure-chromium: ${CHROMIUM_PATH} is missing; install Debian's chromium package (apt-get install chromium)`);
  }
  console.log('ensure-chromium: installing Debian package chromium ...');
  if (!run('apt-get', ['update', '-q']) || !run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'chromium', 'fonts-dejavu-core'])) {
    throw new Error('ensure-chromium: apt-get install chromium failed (see the output above)');
  }
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`ensure-chromium: chromium installed but ${CHROMIUM_PATH} does not exist`);
  return CHROMIUM_PATH;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(`ensure-chromium: ${ensureChromium()}`);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
