import { randomUUID } from 'node:crypto';
import { logLevel } from 'kafkajs';
import { kafkaClient, createTopicsWithLeaders } from '@regsync/messaging/broker';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { Client } from 'pg';
import { databaseUrl, dropDatabase, ensureDatabase } from '@regsync/persistence/databases';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

// The foundation every other test builds on: the broker and the database the project's scripts start.
describe('local infrastructure', () => {
  const suffix = randomUUID().slice(0, 8);
  const database = `regsync_infra_${suffix}`;
  const topic = `infra-${suffix}.smoke`;
  const kafka = kafkaClient(loadKafkaConnection(), { clientId: 'infra-test', logLevel: logLevel.NOTHING });

  afterAll(async () => {
    await dropDatabase(serverUrl, database);
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('carries a message through the real broker into a row of the real database', async () => {
    await ensureDatabase(serverUrl, database);
    const db = new Client({ connectionString: databaseUrl(serverUrl, database) });
    await db.connect();
    await db.query('create table received (key text primary key, value text not null)');

    const admin = kafka.admin();
    await admin.connect();
    await createTopicsWithLeaders(admin, [{ topic, numPartitions: 1 }]);
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: '36574261809', value: 'Osnabrück → Dresden' }] });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: `infra-${suffix}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const stored = new Promise<void>((resolve, reject) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          await db.query('insert into received (key, value) values ($1, $2)', [message.key?.toString(), message.value?.toString()]).then(() => resolve(), reject);
        },
      });
    });
    await stored;
    await consumer.disconnect();

    const { rows } = await db.query('select key, value from received');
    await db.end();
    expect(rows).toEqual([{ key: '36574261809', value: 'Osnabrück → Dresden' }]);
  });
});
