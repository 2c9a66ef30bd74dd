import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostedAuthoritiesOf } from '@regsync/service-runtime/agency-api';
import { loadStateConfig, propertyTaxRolls } from './config';

const land = (key: string) => ({ key, agencies: { [`vermessungsverwaltung-${key}`]: `key-of-land-${key}` } });

describe('loadStateConfig', () => {
  it('hosts one Land as before: INSTANCE_KEY with its agencies, and the rolls of that Land', () => {
    const config = loadStateConfig({ PORT: '3000', INSTANCE_KEY: '14', AGENCY_API_KEYS: 'vermessungsverwaltung:abcdefgh' });
    expect(hostedAuthoritiesOf(config).map((authority) => authority.key)).toEqual(['14']);
    expect([...propertyTaxRolls(config)].every((ags) => ags.startsWith('14'))).toBe(true);
  });

  it('hosts several Länder of a provider process from AUTHORITIES_FILE, with the rolls of all of them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'regsync-state-config-'));
    try {
      writeFileSync(join(dir, 'authorities.json'), JSON.stringify([land('03'), land('14')]));
      const config = loadStateConfig({ PORT: '3000', INSTANCE_KEY: 'land1', AGENCY_API_KEYS: 'operators:abcdefgh', AUTHORITIES_FILE: join(dir, 'authorities.json') });
      expect(hostedAuthoritiesOf(config).map((authority) => authority.key)).toEqual(['03', '14']);
      const rolls = [...propertyTaxRolls(config)];
      expect(rolls.some((ags) => ags.startsWith('03')) && rolls.some((ags) => ags.startsWith('14'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a hosted authority that is not a Land code, naming it', () => {
    expect(() => loadStateConfig({ PORT: '3000', INSTANCE_KEY: 'land1', AGENCY_API_KEYS: 'operators:abcdefgh', AUTHORITIES: JSON.stringify([land('14'), land('17')]) })).toThrow(
      /AUTHORITIES: 17: must be a Land code from 01 to 16/,
    );
    expect(() => loadStateConfig({ PORT: '3000', INSTANCE_KEY: '17', AGENCY_API_KEYS: 'operators:abcdefgh' })).toThrow(/INSTANCE_KEY: 17: must be a Land code/);
  });
});
