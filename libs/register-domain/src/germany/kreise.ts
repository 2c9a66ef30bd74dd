import districts from 'landkreise-deutschland/data/districts.json';
import { LAND_CODES, LAND_NAMES, isLandCode, type LandCode } from '../land-code';

// Source of the Kreise: the npm package landkreise-deutschland 3.0.0, data "Kreisfreie Städte und Landkreise nach
// Fläche, Bevölkerung und Bevölkerungsdichte", Stand 31.12.2018, CC BY 4.0 © Statistisches Bundesamt (Destatis), 2019,
// Daten im Auftrag der Herausgebergemeinschaft Statistische Ämter des Bundes und der Länder.
export const KREISE_ATTRIBUTION =
  'Kreise: © Statistisches Bundesamt (Destatis), 2019 (Stand 31.12.2018), CC BY 4.0, via the npm package landkreise-deutschland 3.0.0';

/** A Kreis (Landkreis, Kreis, Regionalverband) or a kreisfreie Stadt (also Stadtkreis): a single municipality. */
export interface Kreis {
  /** The first 5 digits of the AGS of every municipality in it (Land 2, Regierungsbezirk 1, Kreis 2). */
  readonly key: string;
  readonly name: string;
  readonly kreisfrei: boolean;
  readonly landCode: LandCode;
  readonly population: number;
  readonly areaKm2: number;
}

export interface Land {
  readonly code: LandCode;
  readonly name: string;
  readonly population: number;
  readonly kreisKeys: readonly string[];
}

interface District {
  AGS: string | number;
  type: string;
  name: string;
  area_km2: number;
  population: number;
}

const KREISFREI_TYPES = new Set(['Kreisfreie Stadt', 'Stadtkreis']);

/** The 401 Kreise and kreisfreie Städte of Germany, by key; the package gives some AGS as numbers without the leading 0. */
export function germanKreise(): readonly Kreis[] {
  return (districts as District[])
    .map((district) => {
      const key = String(district.AGS).padStart(5, '0');
      const landCode = key.slice(0, 2);
      if (!/^\d{5}$/.test(key) || !isLandCode(landCode)) throw new RangeError(`landkreise-deutschland: ${district.AGS} is not a Kreis key`);
      return { key, name: district.name, kreisfrei: KREISFREI_TYPES.has(district.type), landCode, population: district.population, areaKm2: district.area_km2 };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** The 16 Länder in code order (01 Schleswig-Holstein first) with the population of their Kreise. */
export function laenderOf(kreise: readonly Kreis[]): Land[] {
  return LAND_CODES.map((code) => {
    const own = kreise.filter((kreis) => kreis.landCode === code);
    return { code, name: LAND_NAMES[code], population: own.reduce((sum, kreis) => sum + kreis.population, 0), kreisKeys: own.map((kreis) => kreis.key) };
  });
}
