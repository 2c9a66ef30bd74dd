import { agencyApiKeys, loadConfig, serviceConfigShape } from '@regsync/service-runtime/service-config';

export const federalConfigShape = {
  ...serviceConfigShape,
  AGENCY_API_KEYS: agencyApiKeys,
};

export type FederalConfig = ReturnType<typeof loadFederalConfig>;

export function loadFederalConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(federalConfigShape, env);
}
