import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { plainRulesOf } from './alert-rules';

const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';

function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) dir = dirname(dir);
  return dir;
}

function promtool(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(PROMTOOL, args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('deploy/prometheus alert rules, run by Prometheus itself (promtool)', () => {
  const prometheusDir = join(workspaceRoot(), 'deploy', 'prometheus');
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'regsync-rules-'));
    writeFileSync(join(dir, 'regsync.rules.yaml'), plainRulesOf(readFileSync(join(prometheusDir, 'alerts.yaml'), 'utf8')));
    copyFileSync(join(prometheusDir, 'alerts.test.yaml'), join(dir, 'alerts.test.yaml'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are valid rules', () => {
    const { status, output } = promtool('check', 'rules', join(dir, 'regsync.rules.yaml'));
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
    expect(status).toBe(0);
  });

  it('page exactly when their unit tests say (alerts.test.yaml)', () => {
    const { status, output } = promtool('test', 'rules', join(dir, 'alerts.test.yaml'));
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
  });

  it('fail their unit tests when a rule changes', () => {
    const rules = readFileSync(join(dir, 'regsync.rules.yaml'), 'utf8');
    writeFileSync(join(dir, 'regsync.rules.yaml'), rules.replace('regsync_outbox_oldest_age_seconds) > 120', 'regsync_outbox_oldest_age_seconds) > 1200'));
    try {
      const { status, output } = promtool('test', 'rules', join(dir, 'alerts.test.yaml'));
      expect(output).toContain('RegsyncOutboxStuck');
      expect(status).not.toBe(0);
    } finally {
      writeFileSync(join(dir, 'regsync.rules.yaml'), rules);
    }
  });
});
