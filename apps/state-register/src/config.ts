import { z } from 'zod';
import { KNOWN_MUNICIPALITIES } from '@regsync/register-domain/known-municipalities';
import { agencyApiKeys, loadConfig, serviceConfigShape, subjectKeySecret } from '@regsync/service-runtime/service-config';

export const stateConfigShape = {
  ...serviceConfigShape,
  SUBJECT_KEY_SECRET: subjectKeySecret,
  /** Two-digit Land code (01 Schleswig-Holstein … 16 Thüringen) of the Land this instance serves. */
  INSTANCE_KEY: z.string().regex(/^(0[1-9]|1[0-6])$/, 'must be a Land code from 01 to 16'),
  AGENCY_API_KEYS: agencyApiKeys,
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
  return loadConfig(stateConfigShape, env);
}

/** The municipalities whose property-tax roll receives this Land's parcels (PROPERTY_TAX_ROLLS). */
export function propertyTaxRolls(config: Pick<StateConfig, 'INSTANCE_KEY' | 'PROPERTY_TAX_ROLLS'>): ReadonlySet<string> {
  const rolls = config.PROPERTY_TAX_ROLLS?.split(',') ?? Object.keys(KNOWN_MUNICIPALITIES).filter((ags) => ags.startsWith(config.INSTANCE_KEY));
  return new Set(rolls);
}
