import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@regsync/service-runtime/service-config';
import { z } from 'zod';
import { LONGEST_ENVIRONMENT_SETTING, settingsInFiles } from './setting-files';

describe('settingsInFiles', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'regsync-settings-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps a short setting in the environment and puts a long one in a private file that loadConfig reads back', () => {
    const routed = Array.from({ length: 10_800 }, (_, index) => `MUNICIPAL:${String(index).padStart(8, '0')}@kommunal1`).join(',');
    const environment = settingsInFiles({ INSTANCE_KEY: 'kommunal1', ROUTED_INSTANCES: routed }, join(dir, 'router'));
    expect(environment.INSTANCE_KEY).toBe('kommunal1');
    expect(environment.ROUTED_INSTANCES).toBeUndefined();
    expect(readFileSync(environment.ROUTED_INSTANCES_FILE, 'utf8')).toBe(routed);
    expect(statSync(environment.ROUTED_INSTANCES_FILE).mode & 0o777).toBe(0o600);
    expect(loadConfig({ INSTANCE_KEY: z.string(), ROUTED_INSTANCES: z.string() }, environment)).toEqual({ INSTANCE_KEY: 'kommunal1', ROUTED_INSTANCES: routed });
  });

  it('keeps a setting of exactly the limit in the environment', () => {
    const value = 'x'.repeat(LONGEST_ENVIRONMENT_SETTING);
    expect(settingsInFiles({ X: value }, dir)).toEqual({ X: value });
  });
});
