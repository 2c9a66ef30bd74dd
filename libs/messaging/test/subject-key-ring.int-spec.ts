import { randomUUID } from 'node:crypto';
import { logLevel } from 'kafkajs';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { kafkaClient } from '../src/kafka-client';
import { KEY_VISIBILITY_GRACE_MS, SubjectKeyRing, SubjectKeysUnavailableError } from '../src/subject-key-ring';
import { createTopicsWithLeaders } from '../src/topic-leaders';

/** Asks again while the answer is "unavailable" or not `wanted` yet: the ring reads the key topic on its own pace. */
async function eventually(lookup: () => Promise<Buffer | undefined>, wanted: (key: Buffer | undefined) => boolean): Promise<Buffer | undefined> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const key = await lookup().catch((error: unknown) => {
      if (error instanceof SubjectKeysUnavailableError && Date.now() < deadline) return 'unavailable' as const;
      throw error;
    });
    if (key !== 'unavailable' && (wanted(key) || Date.now() >= deadline)) return key;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A key topic on the real broker, read by a key ring as a recipient's consumer reads it (read_committed). */
describe('subject key ring', () => {
  const topic = `t_keyring_${randomUUID().slice(0, 8)}.keys`;
  const kafka = kafkaClient(loadKafkaConnection(), { clientId: `test-${topic}`, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  let ring: SubjectKeyRing;

  beforeAll(async () => {
    await admin.connect();
    await createTopicsWithLeaders(admin, [{ topic, numPartitions: 2 }]);
    ring = new SubjectKeyRing(kafka, [topic], `${topic}.ring.`);
    await ring.start();
  }, 60_000);

  afterAll(async () => {
    await ring?.stop();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it("waits for a key whose transaction's commit marker has not reached the key topic yet, instead of taking it for erased", async () => {
    const writer = kafka.producer({ transactionalId: `${topic}.writer`, idempotent: true, maxInFlightRequests: 1 });
    await writer.connect();
    const keyId = randomUUID();
    const transaction = await writer.transaction();
    await transaction.send({ topic, messages: [{ key: keyId, value: Buffer.from('the key') }] });
    // As a recipient meets the event of that transaction while the key's partition still ends before the key.
    await expect(ring.source(keyId, Date.now())).rejects.toBeInstanceOf(SubjectKeysUnavailableError);
    await transaction.commit();
    // the commit returns before its markers are written: the key becomes readable a moment later
    expect(await eventually(() => ring.source(keyId, Date.now()), Boolean)).toEqual(Buffer.from('the key'));
    await writer.disconnect();
  }, 60_000);

  it('takes a key for erased once its tombstone was read, or when the record naming it was written longer than the grace ago', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const erased = randomUUID();
    await producer.send({ topic, acks: -1, messages: [{ key: erased, value: Buffer.from('a key') }] });
    await producer.send({ topic, acks: -1, messages: [{ key: erased, value: null }] });
    await producer.disconnect();
    expect(await eventually(() => ring.source(erased, Date.now()), (key) => key === undefined)).toBeUndefined();
    // compacted away with its tombstone: nothing left to read, and the record is older than any marker's way
    await expect(ring.source(randomUUID(), Date.now() - KEY_VISIBILITY_GRACE_MS)).resolves.toBeUndefined();
    await expect(ring.source(randomUUID(), Date.now())).rejects.toBeInstanceOf(SubjectKeysUnavailableError);
  }, 60_000);
});
