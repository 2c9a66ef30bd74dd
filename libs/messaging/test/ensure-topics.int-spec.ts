import { randomUUID } from 'node:crypto';
import { logLevel } from 'kafkajs';
import { DELIVERY_TOPIC_PARTITIONS, OUTBOX_PROGRESS_TOPIC, OUTGOING_TOPIC_PARTITIONS, deliveryTopicOf, namespaced, outgoingTopicOf } from '@regsync/contracts/topic-catalog';
import { ensureTopics } from '../src/ensure-topics';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { kafkaClient } from '../src/kafka-client';

describe('ensureTopics', () => {
  const namespace = `msg_${randomUUID().slice(0, 8)}`;
  const kafka = kafkaClient(loadKafkaConnection(), { clientId: `test-${namespace}`, logLevel: logLevel.NOTHING });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  }, 30_000);

  it('lets several services create a new namespace’s topics (each its outgoing and delivery topic) at the same moment, each returning once they have leaders', async () => {
    const apps = ['municipal-register', 'state-register', 'federal-register'];
    const progress = namespaced(OUTBOX_PROGRESS_TOPIC, namespace);
    const leadersSeen = await Promise.all(
      Array.from({ length: 8 }, async (_, n) => {
        await ensureTopics(kafka, { app: apps[n % apps.length], instanceKey: String(n), namespace });
        const admin = kafka.admin();
        await admin.connect();
        try {
          const { topics } = await admin.fetchTopicMetadata({ topics: [outgoingTopicOf(apps[n % apps.length], String(n), namespace), deliveryTopicOf(apps[n % apps.length], String(n), namespace), progress] });
          return new Map(topics.map((topic) => [topic.name.startsWith(`${namespace}.regsync.out.`) ? 'outgoing' : topic.name.startsWith(`${namespace}.regsync.deliveries.`) ? 'delivery' : topic.name, topic.partitions.filter((partition) => partition.leader >= 0).length]));
        } finally {
          await admin.disconnect();
        }
      }),
    );
    for (const leaders of leadersSeen) {
      expect(leaders.get('outgoing')).toBe(OUTGOING_TOPIC_PARTITIONS);
      expect(leaders.get('delivery')).toBe(DELIVERY_TOPIC_PARTITIONS);
      expect(leaders.get(progress)).toBe(1);
    }
  }, 60_000);
});
