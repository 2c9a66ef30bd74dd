import { z } from 'zod';
import { loadConfig, serviceConfigShape } from '@regsync/service-runtime/service-config';

const MIN_PASSWORD_LENGTH = 16;

/** `user:password,user2:password2` → { user: 'password', ... }: who may write; a password may contain ':' but not ','. */
const basicAuthUsers = z
  .string({ error: 'required: the registry refuses to start without a writer (user:password,...)' })
  .min(1, 'at least one user:password pair is required')
  .transform((value, context) => {
    const passwords: Record<string, string> = {};
    for (const pair of value.split(',')) {
      const separator = pair.indexOf(':');
      const [username, password] = separator < 0 ? [pair.trim(), ''] : [pair.slice(0, separator).trim(), pair.slice(separator + 1)];
      if (!username || password.length < MIN_PASSWORD_LENGTH) {
        context.addIssue({ code: 'custom', message: `"${username || pair}" is not user:password with a password of at least ${MIN_PASSWORD_LENGTH} characters` });
        return z.NEVER;
      }
      passwords[username] = password;
    }
    return passwords;
  });

export const schemaRegistryConfigShape = {
  HOST: serviceConfigShape.HOST,
  /** Confluent's default port, where clients look for a local registry. */
  PORT: serviceConfigShape.PORT.default(8081),
  DATABASE_URL: serviceConfigShape.DATABASE_URL,
  NAMESPACE: serviceConfigShape.NAMESPACE,
  /** Users (HTTP basic auth) whose credentials registrations, deletions and config or mode changes need; reads stay open. */
  BASIC_AUTH_USERS: basicAuthUsers,
  /** Users of BASIC_AUTH_USERS that may only read (403 on a write). */
  READ_ONLY_USERS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((user) => user.trim()).filter(Boolean)),
};

export type SchemaRegistryConfig = ReturnType<typeof loadSchemaRegistryConfig>;

export function loadSchemaRegistryConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(schemaRegistryConfigShape, env);
}
