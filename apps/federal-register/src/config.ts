import { z } from 'zod';
import { agencyApiKeys, loadConfig, serviceConfigShape, subjectKeySecret } from '@regsync/service-runtime/service-config';

/** `[{"name":"municipal 03404000","baseUrl":"http://127.0.0.1:3301","apiKey":"..."}]`: the instances the cockpit asks. */
const cockpitPeers = z
  .string()
  .default('[]')
  .transform((value, context) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      context.addIssue({ code: 'custom', message: 'must be a JSON array' });
      return z.NEVER;
    }
  })
  .pipe(z.array(z.object({ name: z.string().min(1), baseUrl: z.string().url(), apiKey: z.string().min(8) })));

export const federalConfigShape = {
  ...serviceConfigShape,
  SUBJECT_KEY_SECRET: subjectKeySecret,
  AGENCY_API_KEYS: agencyApiKeys,
  COCKPIT_PEERS: cockpitPeers,
};

export type FederalConfig = ReturnType<typeof loadFederalConfig>;

export function loadFederalConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(federalConfigShape, env);
}
