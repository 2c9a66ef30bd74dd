/**
 * The municipalities regsync serves, by AGS (Amtlicher Gemeindeschlüssel). Data, not code: serving a new
 * municipality means adding a row here. An AGS not in this table is rejected as 'unknown municipality'.
 */
export const KNOWN_MUNICIPALITIES: Readonly<Record<string, string>> = {
  '02000000': 'Hamburg',
  '03241001': 'Hannover',
  '03404000': 'Osnabrück',
  '05315000': 'Köln',
  '09162000': 'München',
  '11000000': 'Berlin',
  '14612000': 'Dresden',
  '14713000': 'Leipzig',
};

export function municipalityName(ags: string): string | undefined {
  return Object.hasOwn(KNOWN_MUNICIPALITIES, ags) ? KNOWN_MUNICIPALITIES[ags] : undefined;
}
