import fc from 'fast-check';
import { agsFormatViolation } from '../ags';
import { LAND_CODES } from '../land-code';
import { germanyTopology, type GermanyTopology } from './germany-topology';
import { GERMAN_MUNICIPALITY_COUNT } from './municipalities';
import { contiguousBalanced } from './providers';

const options = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  municipalityCount: fc.integer({ min: 10_000, max: 12_000 }),
  municipalProviders: fc.integer({ min: 1, max: 60 }),
  stateProviders: fc.integer({ min: 1, max: 16 }),
});
const property = (check: (topology: GermanyTopology, chosen: { municipalityCount: number; municipalProviders: number; stateProviders: number }) => void) =>
  fc.assert(fc.property(options, (chosen) => check(germanyTopology(chosen), chosen)), { numRuns: 10 });

describe('germanyTopology', () => {
  const topology = germanyTopology();

  it('has the 401 Kreise and kreisfreie Städte of the source data with Germany’s population, and all 16 Länder', () => {
    expect(topology.kreise).toHaveLength(401);
    expect(topology.laender.map((land) => land.code)).toEqual(LAND_CODES);
    expect(topology.laender.map((land) => land.name)).toContain('Baden-Württemberg');
    expect(topology.laender.every((land) => land.kreisKeys.length > 0 && land.population > 0)).toBe(true);
    expect(topology.laender.reduce((sum, land) => sum + land.population, 0)).toBe(83_019_213);
    expect(topology.kreise.find((kreis) => kreis.key === '10041')).toMatchObject({ name: 'Regionalverband Saarbrücken', landCode: '10', kreisfrei: false });
  });

  it('synthesises about as many municipalities as Germany has, by default', () => {
    expect(topology.municipalities).toHaveLength(GERMAN_MUNICIPALITY_COUNT);
  });

  it('gives every municipality a valid, unique AGS inside its Kreis and Land', () =>
    property(({ municipalities, kreise }, { municipalityCount }) => {
      expect(municipalities.length).toBe(municipalityCount);
      expect(new Set(municipalities.map((municipality) => municipality.ags)).size).toBe(municipalities.length);
      const kreisKeys = new Set(kreise.map((kreis) => kreis.key));
      const misplaced = municipalities.filter(
        (municipality) =>
          agsFormatViolation(municipality.ags) !== undefined ||
          municipality.ags.slice(0, 5) !== municipality.kreisKey ||
          !kreisKeys.has(municipality.kreisKey) ||
          municipality.landCode !== municipality.ags.slice(0, 2),
      );
      expect(misplaced).toEqual([]);
    }));

  it('makes each kreisfreie Stadt one municipality <Kreis>000 and numbers a Landkreis’s municipalities from 001', () =>
    property(({ municipalities, kreise }) => {
      const gemeindenOf = groupBy(municipalities, (municipality) => municipality.kreisKey);
      for (const kreis of kreise) {
        const gemeinden = (gemeindenOf.get(kreis.key) ?? []).map((municipality) => municipality.ags.slice(5));
        expect(gemeinden).toEqual(kreis.kreisfrei ? ['000'] : gemeinden.map((_, index) => String(index + 1).padStart(3, '0')));
      }
    }));

  it('splits each Kreis’s population exactly among its municipalities, none smaller than 10', () =>
    property(({ municipalities, kreise }) => {
      expect(municipalities.filter((municipality) => municipality.population < 10)).toEqual([]);
      const gemeindenOf = groupBy(municipalities, (municipality) => municipality.kreisKey);
      const sums = kreise.map((kreis) => (gemeindenOf.get(kreis.key) ?? []).reduce((sum, municipality) => sum + municipality.population, 0));
      expect(sums).toEqual(kreise.map((kreis) => kreis.population));
    }));

  it('is the same topology for the same options, and another for another seed', () =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 2 }), (seed) => {
        expect(germanyTopology({ seed })).toEqual(germanyTopology({ seed }));
        expect(germanyTopology({ seed }).municipalities).not.toEqual(germanyTopology({ seed: seed + 1 }).municipalities);
      }),
      { numRuns: 5 },
    ));

  it('sizes municipalities like Germany: many villages, a few towns', () => {
    const sizes = topology.municipalities.map((municipality) => municipality.population).sort((a, b) => a - b);
    const share = (below: number) => sizes.filter((size) => size < below).length / sizes.length;
    // Germany's shape: about half of the municipalities under 2,000 inhabitants, a few per cent of 50,000 or more.
    expect(share(2_000)).toBeGreaterThan(0.4);
    expect(share(2_000)).toBeLessThan(0.7);
    expect(1 - share(50_000)).toBeLessThan(0.05);
  });

  it('hosts every authority exactly once: each municipality, each Land and the BZSt', () =>
    property(({ providers, municipalities }, { municipalProviders, stateProviders }) => {
      const hosted = (app: string) => providers.filter((provider) => provider.app === app);
      expect(hosted('municipal-register')).toHaveLength(municipalProviders);
      expect(hosted('state-register')).toHaveLength(stateProviders);
      expect(hosted('federal-register').map((provider) => provider.instanceKeys)).toEqual([['DE']]);
      expect(hosted('municipal-register').flatMap((provider) => provider.instanceKeys).sort()).toEqual(municipalities.map((municipality) => municipality.ags).sort());
      expect(hosted('state-register').flatMap((provider) => provider.instanceKeys).sort()).toEqual([...LAND_CODES]);
      expect(providers.every((provider) => provider.instanceKeys.length > 0)).toBe(true);
    }));

  it('keeps a Kreis with one provider, and with 16 or more municipal providers a provider within one Land', () =>
    property(({ providers, kreise }, { municipalProviders }) => {
      const municipal = providers.filter((provider) => provider.app === 'municipal-register');
      const providersOfKreis = new Map(kreise.map((kreis) => [kreis.key, new Set<string>()]));
      for (const provider of municipal) for (const ags of provider.instanceKeys) providersOfKreis.get(ags.slice(0, 5))!.add(provider.id);
      expect([...providersOfKreis.values()].filter((ids) => ids.size !== 1)).toEqual([]);
      if (municipalProviders >= 16) {
        expect(municipal.filter((provider) => new Set(provider.instanceKeys.map((ags) => ags.slice(0, 2))).size !== 1)).toEqual([]);
      }
    }));
});

describe('contiguousBalanced', () => {
  it('keeps the order, leaves no run empty, and no run heavier than an equal share plus the heaviest item', () =>
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 60 }), (weights, wanted) => {
        const parts = Math.min(wanted, weights.length);
        const runs = contiguousBalanced(weights, parts, (weight) => weight);
        const total = weights.reduce((sum, weight) => sum + weight, 0);
        expect(runs.flat()).toEqual(weights);
        expect(runs).toHaveLength(parts);
        expect(runs.every((run) => run.length > 0)).toBe(true);
        for (const run of runs) expect(run.reduce((sum, weight) => sum + weight, 0)).toBeLessThanOrEqual(total / parts + Math.max(...weights));
      }),
    ));

  it('finds the split whose heaviest run is lightest (against every split of a short list)', () =>
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 9 }), fc.integer({ min: 1, max: 9 }), (weights, wanted) => {
        const parts = Math.min(wanted, weights.length);
        const heaviest = (runs: number[][]) => Math.max(...runs.map((run) => run.reduce((sum, weight) => sum + weight, 0)));
        expect(heaviest(contiguousBalanced(weights, parts, (weight) => weight))).toBe(Math.min(...everySplit(weights, parts).map(heaviest)));
      }),
    ));
});

function everySplit(items: number[], parts: number): number[][][] {
  if (parts === 1) return [[items]];
  const splits: number[][][] = [];
  for (let cut = 1; cut <= items.length - parts + 1; cut++) {
    for (const rest of everySplit(items.slice(cut), parts - 1)) splits.push([items.slice(0, cut), ...rest]);
  }
  return splits;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item));
    if (group) group.push(item);
    else groups.set(keyOf(item), [item]);
  }
  return groups;
}
