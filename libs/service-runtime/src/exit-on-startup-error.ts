import { ConfigError } from './service-config';

/** A service that cannot start says why in one line (config) or with the stack (anything else) and exits 1. */
export function exitOnStartupError(error: unknown): never {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
