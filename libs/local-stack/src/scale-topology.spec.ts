import { agsFormatViolation, LAND_CODES } from '@regsync/register-domain/identifiers';
import { AUTHORITY_KEY_PATTERN } from '@regsync/persistence/authority-scope';
import { scaleTopology } from './scale-topology';

describe('scaleTopology', () => {
  const topology = scaleTopology();
  const byApp = (app: string) => topology.providers.filter((provider) => provider.app === app);

  it('hosts at least 10,000 municipalities on the few municipal provider processes, each with a valid AGS once', () => {
    const municipal = byApp('municipal-register');
    expect(municipal).toHaveLength(4);
    const keys = municipal.flatMap((provider) => provider.authorities.map((authority) => authority.instanceKey));
    expect(keys.length).toBeGreaterThanOrEqual(10_000);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((key) => agsFormatViolation(key) !== undefined)).toEqual([]);
  });

  it('hosts the 16 Länder on the state provider and the BZSt on its own', () => {
    expect(byApp('state-register').flatMap((provider) => provider.authorities.map((authority) => authority.instanceKey))).toEqual(LAND_CODES);
    expect(byApp('federal-register').map((provider) => provider.authorities.map((authority) => authority.instanceKey))).toEqual([['DE']]);
  });

  it('gives every provider its own port and every authority a name, an agency and its population', () => {
    expect(new Set(topology.providers.map((provider) => provider.port)).size).toBe(topology.providers.length);
    for (const provider of topology.providers) {
      expect(provider.authorities.every((authority) => authority.name.length > 0 && authority.agency.length > 0 && authority.population > 0)).toBe(true);
      expect(provider.authorities.reduce((sum, authority) => sum + authority.population, 0)).toBe(provider.population);
    }
    expect(topology.providers.find((provider) => provider.app === 'federal-register')?.population).toBe(83_019_213);
  });

  it('names every provider with a key its process can take as INSTANCE_KEY (its topics, group and principal)', () => {
    expect(topology.providers.map((provider) => provider.id).filter((id) => !AUTHORITY_KEY_PATTERN.test(id))).toEqual([]);
    expect(topology.providers.map((provider) => provider.id)).toEqual(['kommunal1', 'kommunal2', 'kommunal3', 'kommunal4', 'land1', 'bzst']);
  });

  it('carries the attribution of the Kreis data (CC BY 4.0) and the options it was made with', () => {
    expect(topology.attribution).toContain('CC BY 4.0');
    expect(topology.attribution).toContain('Destatis');
    expect(scaleTopology({ municipalProviders: 16 }).options).toEqual({ seed: 14, municipalityCount: 10_800, municipalProviders: 16, stateProviders: 1 });
  });

  it('is plain JSON: written and read back it is the same topology', () => {
    expect(JSON.parse(JSON.stringify(topology))).toEqual(topology);
  });
});
