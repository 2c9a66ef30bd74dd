import { loadConfig, serviceConfigShape } from '@regsync/service-runtime/service-config';

/** The settings the register services use, read once; the replay tool must see what the target instance sees. */
const replayConfigShape = {
  KAFKA_BROKERS: serviceConfigShape.KAFKA_BROKERS,
  KAFKA_SASL_MECHANISM: serviceConfigShape.KAFKA_SASL_MECHANISM,
  KAFKA_USERNAME: serviceConfigShape.KAFKA_USERNAME,
  KAFKA_PASSWORD: serviceConfigShape.KAFKA_PASSWORD,
  DATABASE_URL: serviceConfigShape.DATABASE_URL,
  SCHEMA_REGISTRY_URL: serviceConfigShape.SCHEMA_REGISTRY_URL,
  NAMESPACE: serviceConfigShape.NAMESPACE,
};

export type ReplayConfig = ReturnType<typeof loadConfig<typeof replayConfigShape>> & {
  /** The whole environment, handed to the target app's own config loader (its keys, peers, …). */
  env: NodeJS.ProcessEnv;
};

export function loadReplayConfig(env: NodeJS.ProcessEnv = process.env): ReplayConfig {
  return { ...loadConfig(replayConfigShape, env), env };
}
