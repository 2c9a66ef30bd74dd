import { SubjectKeyErasedError } from '@regsync/contracts/event-encoding';
import { subjectKeyTopicOf } from '@regsync/contracts/topics';
import { SubjectKeyRing } from '@regsync/messaging/crypto-shredding';
import type { ReplayTestEnvironment } from '@regsync/apps/replay/test/support/replay-test-environment';
import { recordsOf } from './topic-records';

/**
 * Opens every record of `topic` about `subject` (tombstones left out) with a key ring on the topic's key topic, read
 * now, as any reader of the topic would: per record the id of the key it opened with, or 'erased'. At least one record.
 */
export async function keysOpening(env: ReplayTestEnvironment, topic: string, subject: string): Promise<string[]> {
  const records = (await recordsOf(env, topic)).filter((record) => record.key === subject && record.value !== null);
  expect(records.length).toBeGreaterThan(0);
  return keysOpeningValues(env, topic, records.map((record) => record.value!));
}

/** Opens each sealed value with a key ring on the key topic of `dataTopic`, read now: per value the id of its key, or 'erased'. */
export async function keysOpeningValues(env: ReplayTestEnvironment, dataTopic: string, values: readonly Buffer[]): Promise<string[]> {
  const ring = new SubjectKeyRing(env.kafka, [subjectKeyTopicOf(dataTopic)], `${env.namespace}.test-ring.`);
  await ring.start();
  try {
    return await Promise.all(
      values.map((value) =>
        env.codec.decode(value, ring.source).then(
          ({ subjectKey }) => subjectKey!.id,
          (error: unknown) => {
            if (error instanceof SubjectKeyErasedError) return 'erased';
            throw error;
          },
        ),
      ),
    );
  } finally {
    await ring.stop();
  }
}
