import { exitOnStartupError } from '@regsync/service-runtime/service-startup';
import { loadLocalIdpConfig } from './config';
import { startLocalIdp } from './local-idp';

async function main(): Promise<void> {
  const config = loadLocalIdpConfig();
  const idp = await startLocalIdp(config);
  console.log(`local-idp: issuer ${idp.issuer} with ${config.LOCAL_IDP_USERS.length} users (${config.LOCAL_IDP_USERS.map((user) => user.username).join(', ')})`);
  const stop = () => void idp.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch(exitOnStartupError);
