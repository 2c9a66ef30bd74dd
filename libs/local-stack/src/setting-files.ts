import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Longer than this, a setting goes to a file: Linux refuses an environment string over 128 KiB (MAX_ARG_STRLEN). */
export const LONGEST_ENVIRONMENT_SETTING = 64 * 1024;

/**
 * The environment of `settings` for a service's loadConfig: a short setting as it is, a longer one as X_FILE naming a
 * file under `dir` (mode 600: API keys are among them) that holds it.
 */
export function settingsInFiles(settings: Record<string, string>, dir: string): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(settings)) {
    if (value.length <= LONGEST_ENVIRONMENT_SETTING) {
      environment[name] = value;
      continue;
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, name);
    writeFileSync(file, value, { mode: 0o600 });
    environment[`${name}_FILE`] = file;
  }
  return environment;
}
