import { z } from 'zod';
import { ConfigError } from '@regsync/service-runtime/service-config';

/** The settings the register services use, read once; the replay tool must see what the target instance sees. */
const replayConfigShape = {
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((value) => value.split(',').map((broker) => broker.trim()).filter(Boolean)),
  DATABASE_URL: z.string().url().default('postgres://postgres@127.0.0.1:5432/postgres'),
  SCHEMA_REGISTRY_URL: z.string().url().default('http://127.0.0.1:8081'),
  NAMESPACE: z
    .string()
    .regex(/^[a-z0-9_]*$/, 'only lower-case letters, digits and _')
    .default(''),
};

export type ReplayConfig = z.output<z.ZodObject<typeof replayConfigShape>> & {
  /** The whole environment, handed to the target app's own config loader (its keys, peers, …). */
  env: NodeJS.ProcessEnv;
};

export function loadReplayConfig(env: NodeJS.ProcessEnv = process.env): ReplayConfig {
  const result = z.object(replayConfigShape).safeParse(env);
  if (!result.success) throw new ConfigError(`invalid configuration:\n  ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n  ')}`);
  return { ...result.data, env };
}
