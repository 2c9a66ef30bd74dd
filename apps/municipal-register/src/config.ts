import { z } from 'zod';
import { agencyApiKeys, loadConfig, serviceConfigShape } from '@regsync/service-runtime/service-config';

export const municipalConfigShape = {
  ...serviceConfigShape,
  /** Amtlicher Gemeindeschlüssel (official municipality key) of the municipality this instance serves. */
  INSTANCE_KEY: z.string().regex(/^\d{8}$/, 'must be the 8-digit AGS of the municipality'),
  AGENCY_API_KEYS: agencyApiKeys,
};

export type MunicipalConfig = ReturnType<typeof loadMunicipalConfig>;

export function loadMunicipalConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(municipalConfigShape, env);
}
