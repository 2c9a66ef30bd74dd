import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { EVENT_TOPICS, TopicDefinition, deliveryTopicOf, outgoingTopicOf } from '@regsync/contracts/topics';
import { basicAuthorization, newRegistryCredential } from '@regsync/contracts/registry-protocol';
import { SchemaRegistryConfig } from '../src/registry-config';
import { startSchemaRegistry } from '../src/start-schema-registry';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const namespace = `sr_${randomUUID().slice(0, 8)}`;
const writer = newRegistryCredential();
const config: SchemaRegistryConfig = { HOST: '127.0.0.1', PORT: 0, DATABASE_URL: serverUrl, NAMESPACE: namespace, BASIC_AUTH_USERS: { [writer.username]: writer.password }, READ_ONLY_USERS: [] };

const subject = 'regsync.person.events.v1-de.regsync.person.ResidenceRegistered';
const confluentJson = { 'Content-Type': 'application/vnd.schemaregistry.v1+json', authorization: basicAuthorization(writer) };

function residenceRegistered(extraFields: object[] = []) {
  return {
    type: 'record',
    name: 'ResidenceRegistered',
    namespace: 'de.regsync.person',
    fields: [
      { name: 'idnr', type: 'string' },
      { name: 'ags', type: 'string' },
      { name: 'movedInAt', type: 'long' },
      ...extraFields,
    ],
  };
}

const v1 = residenceRegistered();
const withStreet = residenceRegistered([{ name: 'street', type: 'string' }]);
const withOptionalNote = residenceRegistered([{ name: 'note', type: ['null', 'string'], default: null }]);
const event = { idnr: '36574261809', ags: '03404000', movedInAt: 1_767_225_600_000 };

describe('schema-registry app', () => {
  let app: INestApplication;
  let host: string;

  async function start(): Promise<void> {
    app = await startSchemaRegistry(config);
    host = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  }

  async function registryGet(path: string): Promise<{ status: number; body: unknown; contentType: string | null }> {
    const response = await fetch(`${host}${path}`);
    return { status: response.status, body: await response.json(), contentType: response.headers.get('content-type') };
  }

  async function registryPost(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${host}${path}`, { method: 'POST', headers: confluentJson, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  }

  beforeAll(start);
  afterAll(async () => {
    await app?.close();
    await dropDatabase(serverUrl, instanceDatabaseName('schema_registry', undefined, namespace));
  });

  let v1Id: number;
  let v1Bytes: Buffer;

  it('registers an Avro schema through the standard client, which encodes and decodes with it', async () => {
    const registry = new SchemaRegistry({ host, auth: { ...writer } });
    ({ id: v1Id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject, compatibility: COMPATIBILITY.FULL_TRANSITIVE }));
    v1Bytes = await registry.encode(v1Id, event);

    expect(v1Bytes[0]).toBe(0);
    expect(v1Bytes.readUInt32BE(1)).toBe(v1Id);
    expect(await registry.decode(v1Bytes)).toEqual(event);
    expect(await registryGet(`/config/${subject}`)).toMatchObject({ status: 200, body: { compatibilityLevel: 'FULL_TRANSITIVE' } });
  });

  it('returns the same id when the same schema is registered again, under the same or another subject', async () => {
    const registry = new SchemaRegistry({ host, auth: { ...writer } });
    const again = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1, null, 2) }, { subject, compatibility: COMPATIBILITY.FULL_TRANSITIVE });
    const elsewhere = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject: 'regsync.person.events.v1-other' });

    expect(again.id).toBe(v1Id);
    expect(elsewhere.id).toBe(v1Id);
    expect(await registryGet(`/subjects/${subject}/versions`)).toMatchObject({ status: 200, body: [1] });
    expect((await registryGet(`/schemas/ids/${v1Id}/versions`)).body).toEqual([
      { subject, version: 1 },
      { subject: 'regsync.person.events.v1-other', version: 1 },
    ]);
  });

  it('refuses an incompatible evolution under FULL_TRANSITIVE with 409 and a message naming the field', async () => {
    const registry = new SchemaRegistry({ host, auth: { ...writer } });
    const refusal = registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(withStreet) }, { subject, compatibility: COMPATIBILITY.FULL_TRANSITIVE });
    await expect(refusal).rejects.toMatchObject({ status: 409, message: expect.stringContaining('field "street" has no default') });

    const raw = await registryPost(`/subjects/${subject}/versions`, { schema: JSON.stringify(withStreet) });
    expect(raw.status).toBe(409);
    expect(raw.body).toEqual({
      error_code: 409,
      message: expect.stringContaining('reader ResidenceRegistered (v2) cannot read data written by v1: field "street" has no default (v1 does not write it)'),
    });
    expect((await registryGet(`/subjects/${subject}/versions`)).body).toEqual([1]);
  });

  it('tells whether a schema is compatible without registering it', async () => {
    expect(await registryPost(`/compatibility/subjects/${subject}/versions/latest`, { schema: JSON.stringify(withStreet) })).toEqual({
      status: 200,
      body: { is_compatible: false, messages: ['reader ResidenceRegistered (candidate) cannot read data written by v1: field "street" has no default (v1 does not write it)'] },
    });
    expect(await registryPost(`/compatibility/subjects/${subject}/versions/latest`, { schema: JSON.stringify(withOptionalNote) })).toEqual({ status: 200, body: { is_compatible: true } });
  });

  it('accepts a compatible evolution (a new optional field with a default) as version 2', async () => {
    const registry = new SchemaRegistry({ host, auth: { ...writer } });
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(withOptionalNote) }, { subject, compatibility: COMPATIBILITY.FULL_TRANSITIVE });

    expect(id).not.toBe(v1Id);
    const latest = await registryGet(`/subjects/${subject}/versions/latest`);
    expect(latest).toMatchObject({ status: 200, body: { subject, version: 2, id, schema: JSON.stringify(withOptionalNote) } });
    expect(latest.contentType).toMatch(/^application\/vnd\.schemaregistry\.v1\+json/);
    expect(latest.body).not.toHaveProperty('schemaType');
    expect(await registryGet(`/subjects/${subject}/versions/2/schema`)).toMatchObject({ status: 200, body: withOptionalNote });
    expect(await registryPost(`/subjects/${subject}`, { schema: JSON.stringify(v1) })).toEqual({ status: 200, body: { subject, id: v1Id, version: 1, schema: JSON.stringify(v1) } });
    expect(await registry.decode(await registry.encode(id, { ...event, note: 'Nebenwohnung' }))).toEqual({ ...event, note: 'Nebenwohnung' });
  });

  it("answers Confluent's status codes and error bodies", async () => {
    expect(await registryGet('/subjects/nobody/versions')).toMatchObject({ status: 404, body: { error_code: 40401, message: 'Subject not found.' } });
    expect(await registryGet(`/subjects/${subject}/versions/9`)).toMatchObject({ status: 404, body: { error_code: 40402, message: 'Version not found.' } });
    expect(await registryGet(`/subjects/${subject}/versions/zero`)).toMatchObject({ status: 422, body: { error_code: 42202 } });
    expect(await registryGet('/schemas/ids/999')).toMatchObject({ status: 404, body: { error_code: 40403, message: 'Schema not found.' } });
    expect(await registryPost(`/subjects/${subject}`, { schema: JSON.stringify(withStreet) })).toMatchObject({ status: 404, body: { error_code: 40403 } });
    expect(await registryPost(`/subjects/${subject}/versions`, { schema: '{"type": "record", "name": "X", "fields": [{"name": "a", "type": "Nope"}]}' })).toMatchObject({
      status: 422,
      body: { error_code: 42201, message: expect.stringContaining('Nope') },
    });
    expect(await registryGet('/config/nobody')).toMatchObject({ status: 404, body: { error_code: 40408 } });
    expect(await registryGet('/config/nobody?defaultToGlobal=true')).toMatchObject({ status: 200, body: { compatibilityLevel: 'BACKWARD' } });
    expect(await registryGet('/config')).toMatchObject({ status: 200, body: { compatibilityLevel: 'BACKWARD' } });
  });

  it('hides a soft-deleted subject but keeps its schemas readable by id', async () => {
    const response = await fetch(`${host}/subjects/regsync.person.events.v1-other`, { method: 'DELETE', headers: { authorization: basicAuthorization(writer) } });
    expect(await response.json()).toEqual([1]);
    expect((await registryGet('/subjects')).body).toEqual([subject]);
    expect((await registryGet('/subjects?deleted=true')).body).toEqual([subject, 'regsync.person.events.v1-other']);
    expect(await registryGet(`/schemas/ids/${v1Id}`)).toMatchObject({ status: 200 });
  });

  it('gives one id to a schema registered concurrently under several subjects', async () => {
    const schema = JSON.stringify(residenceRegistered([{ name: 'parallel', type: 'boolean' }]));
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => registryPost(`/subjects/regsync.person.events.v1-parallel${n}/versions`, { schema })));
    expect(new Set(answers.map((answer) => JSON.stringify(answer)))).toEqual(new Set([JSON.stringify({ status: 200, body: { id: v1Id + 2 } })]));
  });

  it('keeps ids, versions and schemas across a restart, so earlier bytes still decode', async () => {
    await app.close();
    await start();

    expect(await registryGet(`/schemas/ids/${v1Id}`)).toMatchObject({ status: 200, body: { schema: JSON.stringify(v1) } });
    expect((await registryGet(`/subjects/${subject}/versions`)).body).toEqual([1, 2]);
    const freshClient = new SchemaRegistry({ host, auth: { ...writer } });
    expect(await freshClient.decode(v1Bytes)).toEqual(event);

    const { id } = await freshClient.register({ type: SchemaType.AVRO, schema: JSON.stringify(residenceRegistered([{ name: 'other', type: 'int' }])) }, { subject: 'regsync.person.events.v1-third' });
    expect(id).toBe(v1Id + 3);
  });
  it('serves the AsyncAPI event catalogue at /asyncapi.json without an API key, naming the outgoing and delivery topics with every event type', async () => {
    const served = await registryGet('/asyncapi.json');
    expect(served).toMatchObject({ status: 200, contentType: expect.stringMatching(/^application\/json/) });
    const parser = new Parser();
    parser.registerSchemaParser(AvroSchemaParser());
    const { document, diagnostics } = await parser.parse(JSON.stringify(served.body));
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error)).toEqual([]);
    const eventTypes = (Object.values(EVENT_TOPICS) as TopicDefinition[]).flatMap((topic) => topic.eventTypes);
    for (const address of [outgoingTopicOf('{app}', '{instanceKey}'), deliveryTopicOf('{app}', '{instanceKey}')]) {
      const channel = document?.channels().all().find((candidate) => candidate.address() === address);
      expect([address, channel?.messages().all().map((message) => message.name()).sort()]).toEqual([address, [...eventTypes].sort()]);
    }
    expect(document?.servers().get('local')?.bindings().get('kafka')?.value()).toMatchObject({ schemaRegistryUrl: host });
  });
});
