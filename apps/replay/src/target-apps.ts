import { DynamicModule } from '@nestjs/common';
import { consumerGroupOf } from '@regsync/contracts/topics';
import { databaseUrl, instanceDatabaseName } from '@regsync/persistence/databases';
import { loadFederalConfig } from '@regsync/apps/federal-register/src/config';
import { FederalRegisterModule } from '@regsync/apps/federal-register/src/federal-register.module';
import { loadMunicipalConfig } from '@regsync/apps/municipal-register/src/config';
import { MunicipalRegisterModule } from '@regsync/apps/municipal-register/src/municipal-register.module';
import { loadStateConfig } from '@regsync/apps/state-register/src/config';
import { StateRegisterModule } from '@regsync/apps/state-register/src/state-register.module';
import { ReplayConfig } from './replay-config';

/** The register apps a replay can target, with how each names its database and builds its root module. */
const TARGET_APPS = {
  'municipal-register': { database: 'municipal', module: (env: NodeJS.ProcessEnv) => MunicipalRegisterModule.forRoot(loadMunicipalConfig(env)) },
  'state-register': { database: 'state', module: (env: NodeJS.ProcessEnv) => StateRegisterModule.forRoot(loadStateConfig(env)) },
  'federal-register': { database: 'federal', module: (env: NodeJS.ProcessEnv) => FederalRegisterModule.forRoot(loadFederalConfig(env)) },
} as const;

export type TargetAppName = keyof typeof TARGET_APPS;
export const TARGET_APP_NAMES = Object.keys(TARGET_APPS) as TargetAppName[];

export interface TargetInstance {
  app: TargetAppName;
  instanceKey: string;
  consumerGroup: string;
  databaseName: string;
  databaseUrl: string;
  module(): DynamicModule;
}

export function targetInstance(config: ReplayConfig, app: string, instanceKey: string | undefined): TargetInstance {
  if (!(app in TARGET_APPS)) throw new Error(`--app must be one of ${TARGET_APP_NAMES.join(', ')}, not "${app}"`);
  const target = TARGET_APPS[app as TargetAppName];
  const key = app === 'federal-register' ? (instanceKey ?? 'DE') : instanceKey;
  if (!key) throw new Error(`--instance is required for ${app} (AGS for municipal-register, Land code for state-register)`);
  const databaseName = instanceDatabaseName(target.database, key, config.NAMESPACE);
  return {
    app: app as TargetAppName,
    instanceKey: key,
    consumerGroup: consumerGroupOf(app, key, config.NAMESPACE),
    databaseName,
    databaseUrl: databaseUrl(config.DATABASE_URL, databaseName),
    // PORT and AGENCY_API_KEYS are required by the services' config but unused here: the replay serves no HTTP.
    module: () => target.module({ PORT: '1', AGENCY_API_KEYS: 'replay:unused-by-replay', ...config.env, INSTANCE_KEY: key }),
  };
}
