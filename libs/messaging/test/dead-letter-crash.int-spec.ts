import { DataSource } from 'typeorm';
import { consumerGroupOf, deadLetterTopicOf } from '@regsync/contracts/topics';
import { deadLetterInfo } from '../src/dead-letters';
import { committedDeliveryOffsets, countOf, startConsumerKilledAtOffsetCommit, testRegisterDatabase } from './support/crashing-consumer';
import { produceEvents } from './support/produce-events';
import { readTopic } from './support/read-topic';
import { TestEnvironment, startTestEnvironment, waitFor } from './support/test-environment';
import { eventOf, personDraft, subjectId } from './support/test-events';
import { TEST_APP, TEST_INSTANCE_KEY } from './support/test-register.module';

describe('a consumer killed after dead-lettering a message, before its offset commit', () => {
  let env: TestEnvironment;
  let dataSource: DataSource | undefined;

  beforeAll(async () => {
    env = await startTestEnvironment();
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await env?.close();
  }, 60_000);

  it('leaves exactly one dead letter once its restart has failed the message again', async () => {
    const { doomed, codec, producer } = await startConsumerKilledAtOffsetCommit(env);
    const subject = subjectId(1);
    // The poison comes first, so the chunk the consumer dies after holds it.
    const poison = Buffer.from('not avro at all');
    await produceEvents(producer, codec, env.namespace, subject, [poison, eventOf(personDraft(subject, 1), 1), eventOf(personDraft(subject, 2), 2)]);
    await producer.disconnect();
    expect((await doomed.exited).signal).toBe('SIGKILL');

    dataSource = await testRegisterDatabase(env);
    const dlqTopic = deadLetterTopicOf(consumerGroupOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace));
    // The dead letter was committed with the chunk; Kafka never learnt that the chunk was consumed.
    expect(await deadLetterRows(dlqTopic)).toBe(1);
    expect((await committedDeliveryOffsets(env)).every((offset) => offset <= 0)).toBe(true);

    const survivor = env.spawnFixture('consumer-process');
    await waitFor('the events after the poison', async () => (await appliedCount()) === 2, 40_000);
    await waitFor('the dead letter to be published', async () => (await unpublishedRows()) === 0, 40_000);
    const deadLetters = await readTopic(env.kafka, dlqTopic, 1, { quietMs: 3_000 });
    survivor.child.kill('SIGTERM');
    await survivor.exited;

    expect(deadLetters.map(({ message }) => [message.value, deadLetterInfo(message).reasonCode, deadLetterInfo(message).sourceOffset])).toEqual([[poison, 'undecodable', '0']]);
    expect(await deadLetterRows(dlqTopic)).toBe(1);
  }, 120_000);

  const deadLetterRows = (topic: string) => countOf(dataSource!, 'select count(*)::int as count from regsync_outbox where topic = $1', [topic]);
  const unpublishedRows = () => countOf(dataSource!, 'select count(*)::int as count from regsync_outbox where published_at is null');
  const appliedCount = () => countOf(dataSource!, 'select count(*)::int as count from applied_events');
});
