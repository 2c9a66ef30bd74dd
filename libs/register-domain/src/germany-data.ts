// Public entry: Germany's real administrative structure (Kreise, providers) and a population drawn from it.
export { germanyTopology } from './germany/germany-topology';
export type { GermanyTopologyOptions } from './germany/germany-topology';
export { KREISE_ATTRIBUTION } from './germany/kreise';
export { populationSampler } from './germany/population-sampler';
export type { Provider } from './germany/providers';
