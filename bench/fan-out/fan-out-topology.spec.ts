import { extraMunicipalities } from './fan-out-topology';

describe('extraMunicipalities', () => {
  const topology = [
    { app: 'federal-register' as const, instanceKey: 'DE' },
    { app: 'municipal-register' as const, instanceKey: '03404000' },
    { app: 'municipal-register' as const, instanceKey: '14612000' },
  ];

  it('adds distinct municipalities in the Länder of the topology until the total is configured', () => {
    const extras = extraMunicipalities(topology, 60);
    expect(extras).toHaveLength(58);
    expect(new Set(extras.map((instance) => instance.instanceKey)).size).toBe(58);
    expect(extras.every((instance) => /^(03|14)999\d{3}$/.test(instance.instanceKey))).toBe(true);
  });

  it('refuses a total below the municipalities the topology already has', () => {
    expect(() => extraMunicipalities(topology, 1)).toThrow(RangeError);
  });
});
