import { z } from 'zod';
import { AUTHORITY_KEY_PATTERN } from '@regsync/persistence/authority-scope';
import { hostedAuthoritiesJson, hostedAuthoritiesOf } from '@regsync/service-runtime/agency-api';
import { ConfigError, agencyApiKeys, loadConfig, servedMunicipalities, serviceConfigShape, subjectKeySecret } from '@regsync/service-runtime/service-config';

const AGS = /^\d{8}$/;

export const municipalConfigShape = {
  ...serviceConfigShape,
  SUBJECT_KEY_SECRET: subjectKeySecret,
  /**
   * The process's own key (consumer group, relay, dead letters, principal): the Amtlicher Gemeindeschlüssel (official
   * municipality key) of the municipality it serves, or, with AUTHORITIES, the key of the IT service provider's process.
   */
  INSTANCE_KEY: z.string().regex(AUTHORITY_KEY_PATTERN, 'must be the 8-digit AGS of the municipality, or a provider key (letters and digits)'),
  /** The process's agencies: with AUTHORITIES its operators' (ops endpoints), else the municipality's. */
  AGENCY_API_KEYS: agencyApiKeys,
  /**
   * The municipalities this process hosts, with their agencies (JSON, see hosted-authorities.ts); absent: it hosts
   * INSTANCE_KEY alone, with AGENCY_API_KEYS, READ_ONLY_AGENCIES and BLOCK_EXEMPT_AGENCIES.
   */
  AUTHORITIES: hostedAuthoritiesJson.optional(),
  /** The topology's municipalities beyond KNOWN_MUNICIPALITIES, whose addresses the API accepts (SERVED_MUNICIPALITIES_FILE for a file). */
  SERVED_MUNICIPALITIES: servedMunicipalities,
};

export type MunicipalConfig = ReturnType<typeof loadMunicipalConfig>;

export function loadMunicipalConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(municipalConfigShape, env);
  const notAgs = hostedAuthoritiesOf(config).filter((authority) => !AGS.test(authority.key));
  if (notAgs.length > 0) {
    const field = config.AUTHORITIES ? 'AUTHORITIES' : 'INSTANCE_KEY';
    throw new ConfigError(`invalid configuration:\n  ${field}: ${notAgs.map((authority) => authority.key).join(', ')}: must be the 8-digit AGS of the municipality`);
  }
  return config;
}
