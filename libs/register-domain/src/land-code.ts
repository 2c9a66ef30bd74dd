/** Land code: the first two digits of an AGS, and the instance key of a state-register instance. */
export const LAND_NAMES = {
  '01': 'Schleswig-Holstein',
  '02': 'Hamburg',
  '03': 'Niedersachsen',
  '04': 'Bremen',
  '05': 'Nordrhein-Westfalen',
  '06': 'Hessen',
  '07': 'Rheinland-Pfalz',
  '08': 'Baden-Württemberg',
  '09': 'Bayern',
  '10': 'Saarland',
  '11': 'Berlin',
  '12': 'Brandenburg',
  '13': 'Mecklenburg-Vorpommern',
  '14': 'Sachsen',
  '15': 'Sachsen-Anhalt',
  '16': 'Thüringen',
} as const;

export type LandCode = keyof typeof LAND_NAMES;

// Sorted: Object.keys lists the integer-like codes 10..16 before 01..09.
export const LAND_CODES = (Object.keys(LAND_NAMES) as LandCode[]).sort();

export function isLandCode(value: unknown): value is LandCode {
  return typeof value === 'string' && Object.hasOwn(LAND_NAMES, value);
}
