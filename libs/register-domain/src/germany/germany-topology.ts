import { germanKreise, laenderOf, type Kreis, type Land } from './kreise';
import { GERMAN_MUNICIPALITY_COUNT, synthesiseMunicipalities, type Municipality } from './municipalities';
import { providersOf, type Provider, type ProviderCounts } from './providers';
import { seededRandom } from './seeded-random';

/**
 * Germany as regsync would run it: the real Kreise and Länder (KREISE_ATTRIBUTION), synthesised municipalities inside
 * them, and the providers hosting them. Deterministic: the same options give the same topology.
 */
export interface GermanyTopology {
  readonly laender: readonly Land[];
  readonly kreise: readonly Kreis[];
  readonly municipalities: readonly Municipality[];
  readonly providers: readonly Provider[];
}

export interface GermanyTopologyOptions extends Partial<ProviderCounts> {
  readonly seed?: number;
  readonly municipalityCount?: number;
}

export const DEFAULT_TOPOLOGY_SEED = 14;

export function germanyTopology(options: GermanyTopologyOptions = {}): GermanyTopology {
  const kreise = germanKreise();
  const laender = laenderOf(kreise);
  const random = seededRandom(options.seed ?? DEFAULT_TOPOLOGY_SEED);
  const municipalities = synthesiseMunicipalities(kreise, options.municipalityCount ?? GERMAN_MUNICIPALITY_COUNT, random);
  const providers = providersOf(laender, kreise, municipalities, { municipalProviders: options.municipalProviders ?? laender.length, stateProviders: options.stateProviders ?? 1 });
  return { laender, kreise, municipalities, providers };
}
