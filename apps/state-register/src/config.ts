import { z } from 'zod';
import { agencyApiKeys, loadConfig, serviceConfigShape } from '@regsync/service-runtime/service-config';

export const stateConfigShape = {
  ...serviceConfigShape,
  /** Two-digit Land code (01 Schleswig-Holstein … 16 Thüringen) of the Land this instance serves. */
  INSTANCE_KEY: z.string().regex(/^(0[1-9]|1[0-6])$/, 'must be a Land code from 01 to 16'),
  AGENCY_API_KEYS: agencyApiKeys,
};

export type StateConfig = ReturnType<typeof loadStateConfig>;

export function loadStateConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(stateConfigShape, env);
}
