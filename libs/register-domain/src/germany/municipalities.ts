import type { LandCode } from '../land-code';
import { apportion } from './apportion';
import type { Kreis } from './kreise';
import type { RandomFraction } from './seeded-random';

/** A municipality (Gemeinde) synthesised inside a real Kreis: a valid AGS there, not a real municipality's data. */
export interface Municipality {
  /** `<5-digit Kreis key><3-digit Gemeinde>`; a kreisfreie Stadt is the one municipality `<Kreis key>000`. */
  readonly ags: string;
  readonly name: string;
  readonly kreisKey: string;
  readonly landCode: LandCode;
  readonly population: number;
}

/** Germany had 10,799 municipalities on 31.12.2022 (Destatis). */
export const GERMAN_MUNICIPALITY_COUNT = 10_800;
/** The smallest German municipalities have about ten inhabitants (Gröde, Schleswig-Holstein). */
const SMALLEST_POPULATION = 10;
/** Spread of the log-normal size distribution: a Kreis of 40 municipalities gets a town of about a fifth of its people. */
const SIZE_SPREAD = 1.3;

/**
 * `count` municipalities inside the given Kreise: one per kreisfreie Stadt, the rest spread over the Kreise by area
 * (rural Kreise with large areas have many small municipalities), each Kreis's population split among its
 * municipalities by log-normal weights (a few towns, many villages) so that it sums exactly to the Kreis's.
 */
export function synthesiseMunicipalities(kreise: readonly Kreis[], count: number, random: RandomFraction): Municipality[] {
  const landkreise = kreise.filter((kreis) => !kreis.kreisfrei);
  const minimum = kreise.length;
  if (!Number.isSafeInteger(count) || count < minimum) throw new RangeError(`municipality count ${count} must be a whole number >= ${minimum} (one per Kreis)`);
  const extra = landkreise.length > 0 ? apportion(count - minimum, landkreise.map((kreis) => kreis.areaKm2)) : [];
  const countOf = new Map(landkreise.map((kreis, index) => [kreis.key, 1 + extra[index]]));
  return kreise.flatMap((kreis) => (kreis.kreisfrei ? [kreisfreieStadt(kreis)] : municipalitiesOfKreis(kreis, countOf.get(kreis.key) ?? 1, random)));
}

function kreisfreieStadt(kreis: Kreis): Municipality {
  return { ags: `${kreis.key}000`, name: kreis.name, kreisKey: kreis.key, landCode: kreis.landCode, population: kreis.population };
}

function municipalitiesOfKreis(kreis: Kreis, count: number, random: RandomFraction): Municipality[] {
  if (count > 999) throw new RangeError(`Kreis ${kreis.key}: ${count} municipalities do not fit the 3-digit Gemeinde code`);
  const floor = SMALLEST_POPULATION;
  if (kreis.population < floor * count) throw new RangeError(`Kreis ${kreis.key}: ${kreis.population} people are too few for ${count} municipalities`);
  const weights = Array.from({ length: count }, () => Math.exp(SIZE_SPREAD * standardNormal(random)));
  const populations = apportion(kreis.population - floor * count, weights).map((share) => floor + share);
  return populations.map((population, index) => {
    const gemeinde = String(index + 1).padStart(3, '0');
    return { ags: `${kreis.key}${gemeinde}`, name: `${kreis.name}, Gemeinde ${gemeinde}`, kreisKey: kreis.key, landCode: kreis.landCode, population };
  });
}

/** Box-Muller: one standard normal draw from two uniform ones. */
function standardNormal(random: RandomFraction): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
