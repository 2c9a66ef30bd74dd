import { z } from 'zod';
import { ROUTER_INSTANCE_KEY } from '@regsync/contracts/topics';
import { instanceKeyViolation, type AdministrativeLevel, type RegisterInstance } from '@regsync/register-domain/authorities';
import { AUTHORITY_KEY_PATTERN } from '@regsync/persistence/authority-scope';
import { agencyApiKeys, loadConfig, serviceConfigShape, subjectKeySecret } from '@regsync/service-runtime/service-config';

/** A register instance (an authority) the router routes for, and the provider process that hosts it. */
export interface RoutedInstance extends RegisterInstance {
  /** The provider id (that process's INSTANCE_KEY): the authority's events and deliveries go by its topics. */
  provider: string;
}

/**
 * `MUNICIPAL:14612000@sachsen1,MUNICIPAL:14713000@sachsen1,MUNICIPAL:03404000,STATE:03,FEDERAL:DE`: the authorities the
 * router reads from and delivers to, each `LEVEL:instanceKey`, with `@provider` when a provider process hosts it
 * (without: a process of its own, provider id = its instance key).
 */
const routedInstances = z
  .string()
  .min(1, 'at least one LEVEL:instanceKey is required')
  .transform((value, context) => {
    const instances: RoutedInstance[] = [];
    for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
      const [instance, provider, ...more] = entry.split('@');
      const [level, instanceKey, ...rest] = instance.split(':');
      const problem =
        rest.length > 0
          ? 'has more than one ":"'
          : more.length > 0
            ? 'has more than one "@"'
            : (instanceKeyViolation(level as AdministrativeLevel, instanceKey) ??
              (provider !== undefined && !AUTHORITY_KEY_PATTERN.test(provider) ? `provider "${provider}": only letters and digits, at most 14` : undefined));
      if (problem) {
        context.addIssue({ code: 'custom', message: `"${entry}": ${problem}` });
        return z.NEVER;
      }
      instances.push({ level: level as AdministrativeLevel, instanceKey, provider: provider ?? instanceKey });
    }
    return instances;
  });

export const routerConfigShape = {
  ...serviceConfigShape,
  /** Names this router (its consumer group and database); one per deployment today, one per provider process later. */
  INSTANCE_KEY: z.string().regex(/^[a-z0-9-]+$/, 'only lower-case letters, digits and -').default(ROUTER_INSTANCE_KEY),
  ROUTED_INSTANCES: routedInstances,
  /** `agency:key,...`: the operators' keys for /ops/held-subjects (events held at a gap); absent: not served. */
  OPS_API_KEYS: agencyApiKeys.optional(),
  /** Wraps the router's delivery keys (one per recipient authority and subject); without it the router cannot route sealed events. */
  SUBJECT_KEY_SECRET: subjectKeySecret,
};

export type RouterConfig = ReturnType<typeof loadRouterConfig>;

export function loadRouterConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(routerConfigShape, env);
}
