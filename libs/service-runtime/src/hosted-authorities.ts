import { z } from 'zod';
import { AUTHORITY_KEY_PATTERN } from '@regsync/persistence/authority-scope';

/** One authority a process hosts: its agencies and their API keys, and which of them may only read or see blocked addresses. */
export interface HostedAuthority {
  key: string;
  /** agency → API key */
  agencies: Record<string, string>;
  readOnlyAgencies: readonly string[];
  blockExemptAgencies: readonly string[];
}

const hostedAuthority = z
  .object({
    key: z.string().regex(AUTHORITY_KEY_PATTERN, 'only letters and digits, at most 14'),
    agencies: z.record(z.string().min(1), z.string().min(8, 'an API key has at least 8 characters')),
    readOnlyAgencies: z.array(z.string()).default([]),
    blockExemptAgencies: z.array(z.string()).default([]),
  })
  .strict();

/**
 * `AUTHORITIES`: the JSON list of the authorities a provider's process hosts, e.g.
 * `[{"key":"03404000","agencies":{"buergeramt":"..."},"blockExemptAgencies":["buergeramt"]}]`. Keys and API keys are
 * unique across the list (an API key names one agency of one authority).
 */
export const hostedAuthoritiesJson = z
  .string()
  .transform((value, context) => {
    try {
      return JSON.parse(value) as unknown;
    } catch (error) {
      context.addIssue({ code: 'custom', message: `not JSON: ${(error as Error).message}` });
      return z.NEVER;
    }
  })
  .pipe(z.array(hostedAuthority).min(1, 'at least one authority'))
  .superRefine((authorities, context) => {
    const keys = new Set<string>();
    const apiKeys = new Set<string>();
    for (const [index, authority] of authorities.entries()) {
      if (keys.has(authority.key)) context.addIssue({ code: 'custom', path: [index, 'key'], message: `authority ${authority.key} is listed twice` });
      keys.add(authority.key);
      for (const [agency, apiKey] of Object.entries(authority.agencies)) {
        if (apiKeys.has(apiKey)) context.addIssue({ code: 'custom', path: [index, 'agencies', agency], message: 'this API key is given to another agency too' });
        apiKeys.add(apiKey);
      }
      for (const field of ['readOnlyAgencies', 'blockExemptAgencies'] as const) {
        for (const agency of authority[field]) {
          if (!(agency in authority.agencies)) context.addIssue({ code: 'custom', path: [index, field], message: `${agency} is not an agency of ${authority.key}` });
        }
      }
    }
  });

interface HostingSettings {
  INSTANCE_KEY: string;
  AUTHORITIES?: HostedAuthority[];
  AGENCY_API_KEYS: Record<string, string>;
  READ_ONLY_AGENCIES: readonly string[];
  BLOCK_EXEMPT_AGENCIES: readonly string[];
}

/** The authorities of a process: `AUTHORITIES`, or (a process of one authority, as before) `INSTANCE_KEY` with the agency settings. */
export function hostedAuthoritiesOf(config: HostingSettings): HostedAuthority[] {
  return (
    config.AUTHORITIES ?? [{ key: config.INSTANCE_KEY, agencies: config.AGENCY_API_KEYS, readOnlyAgencies: config.READ_ONLY_AGENCIES, blockExemptAgencies: config.BLOCK_EXEMPT_AGENCIES }]
  );
}

/** The process's agencies that may act, not only read (READ_ONLY_AGENCIES left out): who may decide on its ops endpoints. */
export function actingAgencyKeysOf(config: Pick<HostingSettings, 'AGENCY_API_KEYS' | 'READ_ONLY_AGENCIES'>): Record<string, string> {
  return Object.fromEntries(Object.entries(config.AGENCY_API_KEYS).filter(([agency]) => !config.READ_ONLY_AGENCIES.includes(agency)));
}
