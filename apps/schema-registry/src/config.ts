import { loadConfig, serviceConfigShape } from '@regsync/service-runtime/service-config';

export const schemaRegistryConfigShape = {
  HOST: serviceConfigShape.HOST,
  /** Confluent's default port, where clients look for a local registry. */
  PORT: serviceConfigShape.PORT.default(8081),
  DATABASE_URL: serviceConfigShape.DATABASE_URL,
  NAMESPACE: serviceConfigShape.NAMESPACE,
};

export type SchemaRegistryConfig = ReturnType<typeof loadSchemaRegistryConfig>;

export function loadSchemaRegistryConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(schemaRegistryConfigShape, env);
}
