import type { LandCode } from '../land-code';
import type { Kreis, Land } from './kreise';
import type { Municipality } from './municipalities';

/**
 * One installation of a register app that hosts many authorities of its level: a municipal IT service provider
 * (Meldewesen of hundreds of municipalities), a state-register process (several Länder), or the BZSt.
 */
export interface Provider {
  readonly id: string;
  readonly app: 'municipal-register' | 'state-register' | 'federal-register';
  /** The instance keys of the authorities it hosts: AGS, Land codes, or `DE`. */
  readonly instanceKeys: readonly string[];
  readonly population: number;
}

export interface ProviderCounts {
  /** 16 or more: providers never span a Land (each Land gets some by population, like AKDB or Komm.ONE); fewer: neighbouring Länder share one (like Dataport). */
  readonly municipalProviders: number;
  readonly stateProviders: number;
}

/** Providers host whole Kreise (a Kreis's municipalities share one provider), in AGS order, balanced by population. */
export function providersOf(laender: readonly Land[], kreise: readonly Kreis[], municipalities: readonly Municipality[], counts: ProviderCounts): Provider[] {
  const municipalGroups = municipalKreisGroups(laender, kreise, counts.municipalProviders);
  const municipal = municipalGroups.map((group, index) => {
    const keys = new Set(group.map((kreis) => kreis.key));
    const hosted = municipalities.filter((municipality) => keys.has(municipality.kreisKey));
    return provider(`kommunal${ordinal(index, municipalGroups.length)}`, 'municipal-register', hosted.map((municipality) => municipality.ags), group);
  });
  const stateGroups = contiguousBalanced(laender, counts.stateProviders, (land) => land.population);
  const state = stateGroups.map((group, index) =>
    provider(`land${ordinal(index, stateGroups.length)}`, 'state-register', group.map((land) => land.code), group),
  );
  return [...municipal, ...state, provider('bzst', 'federal-register', ['DE'], laender)];
}

function municipalKreisGroups(laender: readonly Land[], kreise: readonly Kreis[], count: number): Kreis[][] {
  const kreiseOfLand = (code: LandCode) => kreise.filter((kreis) => kreis.landCode === code);
  if (count < laender.length) {
    return contiguousBalanced(laender, count, (land) => land.population).map((group) => group.flatMap((land) => kreiseOfLand(land.code)));
  }
  const perLand = providersPerLand(laender, count);
  return laender.flatMap((land, index) => contiguousBalanced(kreiseOfLand(land.code), perLand[index], (kreis) => kreis.population));
}

/** One provider per Land, then each further one to the Land with the most people per provider (D'Hondt), at most one per Kreis. */
function providersPerLand(laender: readonly Land[], count: number): number[] {
  const capacity = laender.reduce((sum, land) => sum + land.kreisKeys.length, 0);
  if (count > capacity) throw new RangeError(`municipalProviders ${count}: at most ${capacity}, one per Kreis`);
  const perLand = laender.map(() => 1);
  for (let assigned = laender.length; assigned < count; assigned++) {
    const load = laender.map((land, index) => (perLand[index] < land.kreisKeys.length ? land.population / perLand[index] : -1));
    perLand[load.indexOf(Math.max(...load))] += 1;
  }
  return perLand;
}

/**
 * Splits items, kept in their order, into `parts` non-empty runs so that the heaviest run is as light as possible
 * (the linear partition problem, by dynamic programming: at most a few hundred items here).
 */
export function contiguousBalanced<T>(items: readonly T[], parts: number, weightOf: (item: T) => number): T[][] {
  if (!Number.isSafeInteger(parts) || parts < 1 || parts > items.length) throw new RangeError(`cannot split ${items.length} items into ${parts} parts`);
  const prefix = [0];
  for (const item of items) prefix.push(prefix[prefix.length - 1] + weightOf(item));
  // heaviest[p][i]: the lightest heaviest run when the first i items form p runs; lastStart[p][i]: where its last run starts.
  const heaviest = Array.from({ length: parts + 1 }, () => new Float64Array(items.length + 1).fill(Infinity));
  const lastStart = Array.from({ length: parts + 1 }, () => new Int32Array(items.length + 1));
  heaviest[0][0] = 0;
  for (let p = 1; p <= parts; p++) {
    for (let i = p; i <= items.length; i++) {
      for (let j = p - 1; j < i; j++) {
        const candidate = Math.max(heaviest[p - 1][j], prefix[i] - prefix[j]);
        if (candidate < heaviest[p][i]) {
          heaviest[p][i] = candidate;
          lastStart[p][i] = j;
        }
      }
    }
  }
  const runs: T[][] = [];
  for (let p = parts, end = items.length; p > 0; end = lastStart[p][end], p--) runs.unshift(items.slice(lastStart[p][end], end));
  return runs;
}

function provider(id: string, app: Provider['app'], instanceKeys: string[], hosts: readonly { population: number }[]): Provider {
  return { id, app, instanceKeys, population: hosts.reduce((sum, hosted) => sum + hosted.population, 0) };
}

function ordinal(index: number, count: number): string {
  return String(index + 1).padStart(String(count).length, '0');
}
