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

/**
 * The municipalities a deployment serves beyond the table: its topology's (SERVED_MUNICIPALITIES, set once at a
 * register's start), e.g. the synthesised municipalities of the Germany-shaped scale run.
 */
const deployedMunicipalities = new Set<string>();

export function serveMunicipalities(agsList: Iterable<string>): void {
  for (const ags of agsList) deployedMunicipalities.add(ags);
}

/** One of the municipalities regsync serves: in the table, or served by this deployment. */
export function isServedMunicipality(ags: string): boolean {
  return Object.hasOwn(KNOWN_MUNICIPALITIES, ags) || deployedMunicipalities.has(ags);
}

export function municipalityName(ags: string): string | undefined {
  return Object.hasOwn(KNOWN_MUNICIPALITIES, ags) ? KNOWN_MUNICIPALITIES[ags] : undefined;
}
