import type { Municipality } from './municipalities';
import { seededRandom } from './seeded-random';

/** Draws the municipality of each next person, with probability proportional to its population (seeded: repeatable). */
export type PopulationSampler = () => Municipality;

export function populationSampler(municipalities: readonly Municipality[], seed: number): PopulationSampler {
  const cumulative: number[] = [];
  let total = 0;
  for (const municipality of municipalities) cumulative.push((total += municipality.population));
  if (!(total > 0)) throw new RangeError('populationSampler: the municipalities have no population');
  const random = seededRandom(seed);
  return () => {
    const person = Math.floor(random() * total);
    // The first municipality whose cumulative population exceeds the drawn person's number.
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle] > person) high = middle;
      else low = middle + 1;
    }
    return municipalities[low];
  };
}
