import fc from 'fast-check';
import { germanyTopology } from './germany-topology';
import { populationSampler } from './population-sampler';

describe('populationSampler', () => {
  const { municipalities, laender } = germanyTopology();
  const total = laender.reduce((sum, land) => sum + land.population, 0);

  it('places persons in the Länder in proportion to their population', () =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const draw = populationSampler(municipalities, seed);
        const persons = 200_000;
        const perLand = new Map<string, number>();
        for (let i = 0; i < persons; i++) {
          const land = draw().landCode;
          perLand.set(land, (perLand.get(land) ?? 0) + 1);
        }
        for (const land of laender) {
          // 0.5 percentage points: more than six standard deviations of the sample share for any Land.
          expect(Math.abs((perLand.get(land.code) ?? 0) / persons - land.population / total)).toBeLessThan(0.005);
        }
      }),
      { numRuns: 5 },
    ));

  it('puts a city’s persons in that city in proportion to its share', () => {
    const draw = populationSampler(municipalities, 1);
    const berlin = municipalities.find((municipality) => municipality.ags === '11000000')!;
    let inBerlin = 0;
    for (let i = 0; i < 100_000; i++) if (draw() === berlin) inBerlin++;
    expect(inBerlin / 100_000).toBeCloseTo(berlin.population / total, 2);
  });

  it('draws the same persons for the same seed', () =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const first = populationSampler(municipalities, seed);
        const second = populationSampler(municipalities, seed);
        const drawn = Array.from({ length: 1_000 }, () => [first().ags, second().ags]);
        expect(drawn.every(([a, b]) => a === b)).toBe(true);
      }),
      { numRuns: 10 },
    ));

  it('never draws a municipality without inhabitants', () => {
    const draw = populationSampler([{ ...municipalities[0], population: 0 }, municipalities[1]], 7);
    expect(Array.from({ length: 1_000 }, () => draw().ags)).toEqual(Array(1_000).fill(municipalities[1].ags));
  });
});
