import { SchemaRegistryClient } from '@confluentinc/schemaregistry';
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { basicAuthorization, newRegistryCredential, RegistryCredential } from '@regsync/contracts/registry-protocol';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { startTestSchemaRegistry, TestSchemaRegistry } from './support/test-schema-registry';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const namespace = `sr_${randomUUID().slice(0, 8)}`;
const reader = newRegistryCredential('dashboard');

function personRecord(name: string, fields: object[], recordNamespace = 'de.regsync.person') {
  return JSON.stringify({ type: 'record', name, namespace: recordNamespace, fields: [{ name: 'idnr', type: 'string' }, ...fields] });
}

const avro = (schema: string) => ({ schemaType: 'AVRO', schema });

/** Confluent's own JavaScript client, authenticated like a Confluent deployment with basic.auth.user.info. */
function confluentClient(credential?: RegistryCredential): SchemaRegistryClient {
  const basicAuthCredentials = credential && { credentialsSource: 'USER_INFO' as const, userInfo: `${credential.username}:${credential.password}` };
  return new SchemaRegistryClient({ baseURLs: [registry.address], basicAuthCredentials, maxRetries: 0 });
}

let registry: TestSchemaRegistry;

async function call(method: string, path: string, options: { body?: unknown; credential?: RegistryCredential; rawBody?: string } = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/vnd.schemaregistry.v1+json' };
  if (options.credential) headers.authorization = basicAuthorization(options.credential);
  const response = await fetch(`${registry.address}${path}`, { method, headers, body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

describe('the schema registry as Confluent clients see it', () => {
  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    registry = await startTestSchemaRegistry({ databaseUrl: serverUrl, namespace, readOnly: [reader] });
  });

  afterAll(async () => {
    await registry?.app.close();
    await dropDatabase(serverUrl, instanceDatabaseName('schema_registry', undefined, namespace));
  });

  describe('credentials', () => {
    const subject = 'auth-ResidenceRegistered';

    it('refuses an anonymous registration with 401 and error_code 40101, through both standard clients', async () => {
      await expect(confluentClient().register(subject, avro(personRecord('ResidenceRegistered', [])))).rejects.toMatchObject({ status: 401, errorCode: 40101 });
      await expect(new SchemaRegistry({ host: registry.address }).register({ type: SchemaType.AVRO, schema: personRecord('ResidenceRegistered', []) }, { subject })).rejects.toMatchObject({ status: 401 });

      const raw = await call('POST', `/subjects/${subject}/versions`, { body: avro(personRecord('ResidenceRegistered', [])) });
      expect(raw).toMatchObject({ status: 401, body: { error_code: 40101, message: expect.stringContaining('credentials of a registry writer') } });
      expect(raw.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect((await call('GET', '/subjects')).body).toEqual([]);
    });

    it('refuses a wrong password with 401, also on a read', async () => {
      const wrong = { ...registry.writer, password: 'not-the-password-of-the-writer' };
      expect(await call('POST', `/subjects/${subject}/versions`, { body: avro(personRecord('ResidenceRegistered', [])), credential: wrong })).toMatchObject({ status: 401, body: { error_code: 40101 } });
      expect(await call('GET', '/subjects', { credential: wrong })).toMatchObject({ status: 401, body: { error_code: 40101 } });
    });

    it('refuses every kind of write by a read-only credential with 403 and error_code 40301', async () => {
      await expect(confluentClient(reader).register(subject, avro(personRecord('ResidenceRegistered', [])))).rejects.toMatchObject({ status: 403, errorCode: 40301 });
      expect(await call('PUT', '/config', { body: { compatibility: 'NONE' }, credential: reader })).toMatchObject({ status: 403, body: { error_code: 40301 } });
      expect(await call('PUT', '/mode', { body: { mode: 'READONLY' }, credential: reader })).toMatchObject({ status: 403, body: { error_code: 40301 } });
      expect(await call('DELETE', `/subjects/${subject}`, { credential: reader })).toMatchObject({ status: 403, body: { error_code: 40301 } });
    });

    it('lets the writer register and keeps every read open, with or without credentials', async () => {
      const id = await confluentClient(registry.writer).register(subject, avro(personRecord('ResidenceRegistered', [])));
      expect(await call('GET', `/schemas/ids/${id}`)).toMatchObject({ status: 200, body: { schema: personRecord('ResidenceRegistered', []) } });
      expect((await confluentClient().getLatestSchemaMetadata(subject)).id).toBe(id);
      expect((await confluentClient(reader).getLatestSchemaMetadata(subject)).id).toBe(id);
      expect(await confluentClient().getId(subject, avro(personRecord('ResidenceRegistered', [])))).toBe(id);
    });
  });

  describe('register, look up, list and delete with @confluentinc/schemaregistry', () => {
    const subject = 'regsync.person.events.v1-de.regsync.person.NameChanged';
    const v1 = personRecord('NameChanged', [{ name: 'familyName', type: 'string' }]);
    const v2 = personRecord('NameChanged', [{ name: 'familyName', type: 'string' }, { name: 'note', type: ['null', 'string'], default: null }]);

    it('registers two versions and finds each by schema, version and id', async () => {
      const client = confluentClient(registry.writer);
      const id1 = await client.register(subject, avro(v1));
      const id2 = await client.register(subject, avro(v2));

      expect(await client.getAllVersions(subject)).toEqual([1, 2]);
      expect(await client.getVersion(subject, avro(v1))).toBe(1);
      expect(await client.getSchemaMetadata(subject, 2)).toMatchObject({ subject, version: 2, id: id2, schema: v2 });
      expect(await client.getBySubjectAndId(subject, id1)).toMatchObject({ schema: v1 });
    });

    it('refuses an incompatible change with 409 and says which field', async () => {
      const client = confluentClient(registry.writer);
      await client.updateCompatibility(subject, 'FULL_TRANSITIVE' as never);
      const incompatible = personRecord('NameChanged', [{ name: 'familyName', type: 'string' }, { name: 'birthName', type: 'string' }]);
      await expect(client.register(subject, avro(incompatible))).rejects.toMatchObject({ status: 409, errorCode: 409, message: expect.stringContaining('field "birthName" has no default') });
      expect(await client.testSubjectCompatibility(subject, avro(incompatible))).toBe(false);
      expect(await client.getAllVersions(subject)).toEqual([1, 2]);
    });

    it('accepts the same record moved to another namespace', async () => {
      const moved = personRecord('NameChanged', [{ name: 'familyName', type: 'string' }, { name: 'note', type: ['null', 'string'], default: null }], 'de.regsync.civilstatus');
      await confluentClient(registry.writer).register(subject, avro(moved));
      expect(await confluentClient().getAllVersions(subject)).toEqual([1, 2, 3]);
    });

    it('hides a soft-deleted version, and shows it again with ?deleted=true on versions, version and lookup', async () => {
      const client = confluentClient(registry.writer);
      expect(await client.deleteSubjectVersion(subject, 1)).toBe(1);

      expect(await client.getAllVersions(subject)).toEqual([2, 3]);
      expect((await call('GET', `/subjects/${subject}/versions?deleted=true`)).body).toEqual([1, 2, 3]);
      await expect(client.getSchemaMetadata(subject, 1)).rejects.toMatchObject({ status: 404, errorCode: 40402 });
      expect(await client.getSchemaMetadata(subject, 1, true)).toMatchObject({ version: 1, schema: v1 });
      await expect(client.getVersion(subject, avro(v1))).rejects.toMatchObject({ status: 404, errorCode: 40403 });
      expect(await client.getVersion(subject, avro(v1), false, true)).toBe(1);
    });

    it('lists a subject whose versions are all soft-deleted only with ?deleted=true, and filters by ?subjectPrefix=', async () => {
      const other = 'regsync.parcel.events.v1-de.regsync.parcel.ParcelChanged';
      await confluentClient(registry.writer).register(other, avro(personRecord('ParcelChanged', [])));
      expect(await confluentClient(registry.writer).deleteSubject(other)).toEqual([1]);

      expect((await call('GET', '/subjects?subjectPrefix=regsync.')).body).toEqual([subject]);
      expect((await call('GET', '/subjects?subjectPrefix=regsync.&deleted=true')).body).toEqual([other, subject]);
      expect((await call('GET', '/subjects?subjectPrefix=regsync.parcel')).body).toEqual([]);
      expect(await confluentClient().getAllSubjects()).toEqual(['auth-ResidenceRegistered', subject]);
    });
  });

  describe('mode', () => {
    const subject = 'mode-DeathRecorded';
    const v1 = personRecord('DeathRecorded', []);
    const v2 = personRecord('DeathRecorded', [{ name: 'note', type: ['null', 'string'], default: null }]);

    it('is READWRITE by default, globally and in force for a subject without its own', async () => {
      expect(await call('GET', '/mode')).toMatchObject({ status: 200, body: { mode: 'READWRITE' } });
      expect(await call('GET', `/mode/${subject}`)).toMatchObject({ status: 404, body: { error_code: 40409 } });
      expect(await call('GET', `/mode/${subject}?defaultToGlobal=true`)).toMatchObject({ status: 200, body: { mode: 'READWRITE' } });
    });

    it('READONLY on a subject refuses a new schema and deletions with 42205, still answers an already registered schema', async () => {
      const id = await confluentClient(registry.writer).register(subject, avro(v1));
      // as EventCodec leaves a subject after its first start: with its level, so a restarted writer only registers
      await confluentClient(registry.writer).updateCompatibility(subject, 'BACKWARD' as never);
      expect(await call('PUT', `/mode/${subject}`, { body: { mode: 'readonly' }, credential: registry.writer })).toMatchObject({ status: 200, body: { mode: 'READONLY' } });

      await expect(confluentClient(registry.writer).register(subject, avro(v2))).rejects.toMatchObject({ status: 422, errorCode: 42205, message: expect.stringContaining(`Subject ${subject} is in read-only mode`) });
      const kafkajsClient = new SchemaRegistry({ host: registry.address, auth: { ...registry.writer } });
      await expect(kafkajsClient.register({ type: SchemaType.AVRO, schema: v2 }, { subject, compatibility: COMPATIBILITY.BACKWARD })).rejects.toMatchObject({ status: 422 });
      expect((await kafkajsClient.register({ type: SchemaType.AVRO, schema: v1 }, { subject, compatibility: COMPATIBILITY.BACKWARD })).id).toBe(id);
      expect(await call('DELETE', `/subjects/${subject}`, { credential: registry.writer })).toMatchObject({ status: 422, body: { error_code: 42205 } });
      expect(await call('PUT', `/config/${subject}`, { body: { compatibility: 'NONE' }, credential: registry.writer })).toMatchObject({ status: 422, body: { error_code: 42205 } });
      expect(await confluentClient().getAllVersions(subject)).toEqual([1]);
    });

    it('registers again once the subject mode is removed, and a global READONLY_OVERRIDE beats a subject READWRITE', async () => {
      expect(await call('DELETE', `/mode/${subject}`, { credential: registry.writer })).toMatchObject({ status: 200, body: { mode: 'READONLY' } });
      await confluentClient(registry.writer).register(subject, avro(v2));

      await call('PUT', `/mode/${subject}`, { body: { mode: 'READWRITE' }, credential: registry.writer });
      expect(await call('PUT', '/mode', { body: { mode: 'READONLY_OVERRIDE' }, credential: registry.writer })).toMatchObject({ status: 200, body: { mode: 'READONLY_OVERRIDE' } });
      expect(await call('GET', `/mode/${subject}`)).toMatchObject({ body: { mode: 'READONLY_OVERRIDE' } });
      await expect(confluentClient(registry.writer).register(subject, avro(personRecord('DeathRecorded', [{ name: 'x', type: 'int', default: 0 }])))).rejects.toMatchObject({ errorCode: 42205 });
      expect(await call('PUT', '/mode', { body: { mode: 'READWRITE' }, credential: registry.writer })).toMatchObject({ status: 200 });
    });

    it('refuses an unknown mode and IMPORT with 42204, and a mode change without credentials with 401', async () => {
      expect(await call('PUT', '/mode', { body: { mode: 'SOMETIMES' }, credential: registry.writer })).toMatchObject({ status: 422, body: { error_code: 42204 } });
      expect(await call('PUT', '/mode', { body: { mode: 'IMPORT' }, credential: registry.writer })).toMatchObject({ status: 422, body: { error_code: 42204, message: expect.stringContaining('IMPORT is not supported') } });
      expect(await call('PUT', '/mode', { body: { mode: 'READONLY' } })).toMatchObject({ status: 401, body: { error_code: 40101 } });
      expect(await call('GET', '/mode')).toMatchObject({ body: { mode: 'READWRITE' } });
    });
  });

  it('documents the basic-auth writer scheme on every write, and no credential on reads, in its OpenAPI document', async () => {
    type Operation = { security?: Array<Record<string, string[]>>; responses: Record<string, unknown> };
    const document = (await call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };
    expect(document.components.securitySchemes['registry-writer']).toMatchObject({ type: 'http', scheme: 'basic' });
    const operations = Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })));
    const registryOperations = operations.filter(({ path }) => /^\/(subjects|schemas|config|mode|compatibility)/.test(path));
    const writes = registryOperations.filter(({ method, path }) => ['put', 'delete'].includes(method) || (method === 'post' && path.endsWith('/versions') && !path.startsWith('/compatibility')));
    expect(writes.length).toBeGreaterThanOrEqual(9);
    for (const { operation } of writes) expect([operation.security, Object.keys(operation.responses)]).toEqual([[{ 'registry-writer': [] }], expect.arrayContaining(['401', '403'])]);
    for (const { operation } of registryOperations.filter((candidate) => !writes.includes(candidate))) expect(operation.security).toBeUndefined();
  });

  it('answers errors outside the registry API with error_code too: unknown path, wrong method, malformed JSON', async () => {
    expect(await call('GET', '/no/such/path')).toEqual({ status: 404, body: { error_code: 404, message: 'HTTP 404 Not Found' }, headers: expect.anything() });
    expect(await call('PATCH', '/subjects')).toMatchObject({ status: 405, body: { error_code: 405, message: 'HTTP 405 Method Not Allowed' } });
    expect(await call('POST', '/subjects/x/versions', { rawBody: '{"schema": ', credential: registry.writer })).toMatchObject({ status: 400, body: { error_code: 400, message: expect.stringMatching(/^Malformed JSON/) } });
    expect(await call('POST', '/subjects/x/versions', { body: { schema: 42 }, credential: registry.writer })).toMatchObject({ status: 422, body: { error_code: 42201 } });
  });
});
