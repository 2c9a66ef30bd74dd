import { z } from 'zod';
import { KNOWN_MUNICIPALITIES } from '@regsync/register-domain/authorities';
import { AUTHORITY_KEY_PATTERN } from '@regsync/persistence/authority-scope';
import { hostedAuthoritiesJson, hostedAuthoritiesOf } from '@regsync/service-runtime/agency-api';
import { ConfigError, agencyApiKeys, loadConfig, servedMunicipalities, serviceConfigShape, subjectKeySecret } from '@regsync/service-runtime/service-config';

const LAND_CODE = /^(0[1-9]|1[0-6])$/;

export const stateConfigShape = {
  ...serviceConfigShape,
  SUBJECT_KEY_SECRET: subjectKeySecret,
  /**
   * The process's own key (consumer group, relay, dead letters, principal): the two-digit Land code (01
   * Schleswig-Holstein … 16 Thüringen) of the Land it serves, or, with AUTHORITIES, the key of the provider's process.
   */
  INSTANCE_KEY: z.string().regex(AUTHORITY_KEY_PATTERN, 'must be a Land code from 01 to 16, or a provider key (letters and digits)'),
  /** The process's agencies: with AUTHORITIES its operators' (ops endpoints), else the Land's. */
  AGENCY_API_KEYS: agencyApiKeys,
  /**
   * The Länder this process hosts, with their agencies (JSON, see hosted-authorities.ts; AUTHORITIES_FILE for a file);
   * absent: it hosts INSTANCE_KEY alone, with AGENCY_API_KEYS.
   */
  AUTHORITIES: hostedAuthoritiesJson.optional(),
  /** The topology's municipalities beyond KNOWN_MUNICIPALITIES, whose addresses the API accepts (SERVED_MUNICIPALITIES_FILE for a file). */
  SERVED_MUNICIPALITIES: servedMunicipalities,
  /**
   * AGS of the Land's municipalities whose municipal register (property-tax roll) runs, comma-separated: the cadastre
   * refuses a parcel anywhere else, since no roll would receive it. Default: every served municipality of the Land.
   */
  PROPERTY_TAX_ROLLS: z
    .string()
    .regex(/^\d{8}(,\d{8})*$/, 'must be AGS (8 digits) separated by commas')
    .optional(),
};

export type StateConfig = ReturnType<typeof loadStateConfig>;

export function loadStateConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(stateConfigShape, env);
  const notLand = hostedAuthoritiesOf(config).filter((authority) => !LAND_CODE.test(authority.key));
  if (notLand.length > 0) {
    const field = config.AUTHORITIES ? 'AUTHORITIES' : 'INSTANCE_KEY';
    throw new ConfigError(`invalid configuration:\n  ${field}: ${notLand.map((authority) => authority.key).join(', ')}: must be a Land code from 01 to 16`);
  }
  return config;
}

/**
 * The municipalities whose property-tax roll receives the hosted Länder's parcels (PROPERTY_TAX_ROLLS). Default: every
 * served municipality of those Länder. A parcel must also lie in the Land recording it (recordParcel).
 */
export function propertyTaxRolls(config: Pick<StateConfig, 'INSTANCE_KEY' | 'PROPERTY_TAX_ROLLS' | 'AUTHORITIES'>): ReadonlySet<string> {
  const laender = (config.AUTHORITIES ?? [{ key: config.INSTANCE_KEY }]).map((authority) => authority.key);
  const rolls = config.PROPERTY_TAX_ROLLS?.split(',') ?? Object.keys(KNOWN_MUNICIPALITIES).filter((ags) => laender.some((land) => ags.startsWith(land)));
  return new Set(rolls);
}
