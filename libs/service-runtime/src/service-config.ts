import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { schemaRegistryUrlProblem } from '@regsync/contracts/registry-protocol';

/** Settings every regsync service shares; each app extends this with its own (instance key, API keys, ...). */
export const serviceConfigShape = {
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(1).max(65535),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean)),
  /** SASL on the broker (SCRAM-SHA-512 on regsync brokers): this instance's own principal; both or neither. */
  KAFKA_SASL_MECHANISM: z.enum(['scram-sha-512', 'scram-sha-256', 'plain']).default('scram-sha-512'),
  KAFKA_USERNAME: z.string().min(1).optional(),
  KAFKA_PASSWORD: z.string().min(1).optional(),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/postgres'),
  /** The most connections the process's pool opens (the server's max_connections is shared by every process on it). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(100).default(10),
  /** The registry, with the writer's credentials as user info when it needs them: `http://user:password@host:8081`. */
  SCHEMA_REGISTRY_URL: z
    .string()
    .default('http://127.0.0.1:8081')
    .superRefine((value, context) => {
      const problem = schemaRegistryUrlProblem(value);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }),
  /** Keeps a test run's databases, topics and consumer groups apart from the demo's; empty in production. */
  NAMESPACE: z
    .string()
    .regex(/^[a-z0-9_]*$/, 'only lower-case letters, digits and _')
    .default(''),
  /** Agencies (names from AGENCY_API_KEYS) that may only read, e.g. `regsync-cockpit`. */
  READ_ONLY_AGENCIES: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((agency) => agency.trim()).filter(Boolean)),
  /**
   * Agencies (names from AGENCY_API_KEYS) that still see the address of a person with an information block: the
   * Meldebehörde's own staff and public bodies with an explicit basis (§ 34 Abs. 6 BMG). Default: none.
   */
  BLOCK_EXEMPT_AGENCIES: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((agency) => agency.trim()).filter(Boolean)),
};

/**
 * SUBJECT_KEY_SECRET of a register that sends events: base64 of at least 32 random bytes, from which each hosted
 * authority's key-wrapping key is derived (the subject keys that seal its events are stored wrapped by it). Locally
 * generated once per instance under .cache/regsync/; in a cluster a Secret. Without it the register sends its events
 * in the clear (its readers open sealed and clear events alike).
 */
export const subjectKeySecret = z
  .string()
  .transform((value) => Buffer.from(value, 'base64'))
  .refine((secret) => secret.length >= 32, 'must be base64 of at least 32 bytes')
  .optional();

/**
 * SERVED_MUNICIPALITIES: AGS, comma-separated, of the deployment's municipalities beyond KNOWN_MUNICIPALITIES
 * (libs/register-domain): addresses there are accepted once the register serves them at start.
 */
export const servedMunicipalities = z
  .string()
  .regex(/^\d{8}(,\d{8})*$/, 'must be AGS (8 digits) separated by commas')
  .transform((value) => value.split(','))
  .optional();

export class ConfigError extends Error {}

/** How to reach the broker and who to be there; kafkaClient (libs/messaging) builds every kafkajs client from it. */
export interface KafkaConnection {
  brokers: string[];
  sasl?: { mechanism: 'scram-sha-512' | 'scram-sha-256' | 'plain'; username: string; password: string };
}

type KafkaSettings = { KAFKA_BROKERS: string[]; KAFKA_SASL_MECHANISM: NonNullable<KafkaConnection['sasl']>['mechanism']; KAFKA_USERNAME?: string; KAFKA_PASSWORD?: string };

export function kafkaConnectionOf(config: KafkaSettings): KafkaConnection {
  const { KAFKA_BROKERS: brokers, KAFKA_SASL_MECHANISM: mechanism, KAFKA_USERNAME: username, KAFKA_PASSWORD: password } = config;
  if (Boolean(username) !== Boolean(password)) throw new ConfigError('invalid configuration:\n  KAFKA_USERNAME, KAFKA_PASSWORD: give both or neither');
  return username && password ? { brokers, sasl: { mechanism, username, password } } : { brokers };
}

const kafkaConnectionShape = {
  KAFKA_BROKERS: serviceConfigShape.KAFKA_BROKERS,
  KAFKA_SASL_MECHANISM: serviceConfigShape.KAFKA_SASL_MECHANISM,
  KAFKA_USERNAME: serviceConfigShape.KAFKA_USERNAME,
  KAFKA_PASSWORD: serviceConfigShape.KAFKA_PASSWORD,
};

/** The environment that gives a service (or a config loader in a test) this connection. */
export function kafkaEnvironmentOf(connection: KafkaConnection): Record<string, string> {
  const { brokers, sasl } = connection;
  return { KAFKA_BROKERS: brokers.join(','), ...(sasl ? { KAFKA_SASL_MECHANISM: sasl.mechanism, KAFKA_USERNAME: sasl.username, KAFKA_PASSWORD: sasl.password } : {}) };
}

/** The broker settings alone, for tools and tests (npm test exports the local admin's credentials). */
export function loadKafkaConnection(env: NodeJS.ProcessEnv = process.env): KafkaConnection {
  return kafkaConnectionOf(loadConfig(kafkaConnectionShape, env));
}

/** Reads and validates the environment once, at start-up; reports every problem at once. */
export function loadConfig<Shape extends z.ZodRawShape>(shape: Shape, env: NodeJS.ProcessEnv = process.env): z.output<z.ZodObject<Shape>> {
  const { values, problems: fileProblems } = withSettingFiles(Object.keys(shape), env);
  const result = z.object(shape).safeParse(values);
  const problems = [...fileProblems, ...(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`))];
  if (problems.length > 0 || !result.success) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return result.data;
}

/**
 * Any setting X may instead be given as the path of a file holding it, X_FILE (one trailing newline dropped): for
 * values past the 128 KiB Linux allows one environment string (a provider hosting thousands of authorities) and for
 * secrets mounted as files. Giving both is refused.
 */
function withSettingFiles(names: readonly string[], env: NodeJS.ProcessEnv): { values: NodeJS.ProcessEnv; problems: string[] } {
  const values: NodeJS.ProcessEnv = { ...env };
  const problems: string[] = [];
  for (const name of names) {
    const file = env[`${name}_FILE`];
    if (file === undefined) continue;
    if (env[name] !== undefined) {
      problems.push(`${name}, ${name}_FILE: give one of them, not both`);
      continue;
    }
    try {
      values[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      problems.push(`${name}_FILE: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return { values, problems };
}

/** `agency:key,agency2:key2` → { agency: 'key', agency2: 'key2' }: the agencies allowed to call this instance. */
export const agencyApiKeys = z
  .string()
  .min(1, 'at least one agency:key pair is required')
  .transform((value, context) => {
    const keys: Record<string, string> = {};
    for (const pair of value.split(',')) {
      const [agency, key] = pair.split(':').map((part) => part.trim());
      if (!agency || !key || key.length < 8) {
        context.addIssue({ code: 'custom', message: `"${pair}" is not agency:key with a key of at least 8 characters` });
        return z.NEVER;
      }
      keys[agency] = key;
    }
    return keys;
  });
