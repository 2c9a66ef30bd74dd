import { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { newRegistryCredential, RegistryCredential, registryUrlWithCredential } from '@regsync/contracts/registry-protocol';
import { startSchemaRegistry } from '../../src/start-schema-registry';

export interface TestSchemaRegistry {
  app: INestApplication;
  /** The address without credentials (reads). */
  address: string;
  /** The address with the writer's credentials: what a service gets as SCHEMA_REGISTRY_URL. */
  url: string;
  writer: RegistryCredential;
}

/** The project's registry in this process, on its own namespace, with a writer credential made for this run. */
export async function startTestSchemaRegistry(options: { databaseUrl: string; namespace: string; port?: number; writer?: RegistryCredential; readOnly?: RegistryCredential[] }): Promise<TestSchemaRegistry> {
  const writer = options.writer ?? newRegistryCredential();
  const readOnly = options.readOnly ?? [];
  const app = await startSchemaRegistry({
    HOST: '127.0.0.1',
    PORT: options.port ?? 0,
    DATABASE_URL: options.databaseUrl,
    NAMESPACE: options.namespace,
    BASIC_AUTH_USERS: Object.fromEntries([writer, ...readOnly].map(({ username, password }) => [username, password])),
    READ_ONLY_USERS: readOnly.map(({ username }) => username),
  });
  const address = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  return { app, address, url: registryUrlWithCredential(address, writer), writer };
}
