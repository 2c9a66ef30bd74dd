import { z } from 'zod';
import { ROUTER_INSTANCE_KEY } from '@regsync/contracts/topic-catalog';
import { instanceKeyViolation, type AdministrativeLevel, type RegisterInstance } from '@regsync/register-domain/registers';
import { agencyApiKeys, loadConfig, serviceConfigShape } from '@regsync/service-runtime/service-config';

/** `MUNICIPAL:03404000,STATE:03,FEDERAL:DE`: the register instances the router reads from and delivers to. */
const routedInstances = z
  .string()
  .min(1, 'at least one LEVEL:instanceKey is required')
  .transform((value, context) => {
    const instances: RegisterInstance[] = [];
    for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
      const [level, instanceKey, ...rest] = entry.split(':');
      const problem = rest.length > 0 ? 'has more than one ":"' : instanceKeyViolation(level as AdministrativeLevel, instanceKey);
      if (problem) {
        context.addIssue({ code: 'custom', message: `"${entry}": ${problem}` });
        return z.NEVER;
      }
      instances.push({ level: level as AdministrativeLevel, instanceKey });
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
};

export type RouterConfig = ReturnType<typeof loadRouterConfig>;

export function loadRouterConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(routerConfigShape, env);
}
