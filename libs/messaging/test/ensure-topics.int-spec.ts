import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, logLevel } from 'kafkajs';
import { DELIVERY_TOPIC_PARTITIONS, OUTGOING_TOPIC_PARTITIONS, consumerGroupOf, deadLetterTopicOf, deliveryTopicOf, outboxProgressTopicOf, outgoingTopicOf, redriveOutcomeTopicOf, redriveTopicOf, subjectKeyTopicOf } from '@regsync/contracts/topics';
import { ensureTopics } from '../src/ensure-topics';
import { createTopicsWithLeaders } from '../src/topic-leaders';
import { StartupRefusedError } from '@regsync/service-runtime/service-startup';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { kafkaClient } from '../src/kafka-client';
import { startTestRegister } from './support/running-test-register';
import { TEST_APP, TEST_INSTANCE_KEY } from './support/test-register.module';

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
    const leadersSeen = await Promise.all(
      Array.from({ length: 8 }, async (_, n) => {
        await ensureTopics(kafka, { app: apps[n % apps.length], instanceKey: String(n), namespace });
        const admin = kafka.admin();
        await admin.connect();
        try {
          const { topics } = await admin.fetchTopicMetadata({ topics: [outgoingTopicOf(apps[n % apps.length], String(n), namespace), deliveryTopicOf(apps[n % apps.length], String(n), namespace), outboxProgressTopicOf(apps[n % apps.length], String(n), namespace)] });
          const kindOf = (name: string) => (name.startsWith(`${namespace}.regsync.out.`) ? 'outgoing' : name.startsWith(`${namespace}.regsync.deliveries.`) ? 'delivery' : 'progress');
          return new Map(topics.map((topic) => [kindOf(topic.name), topic.partitions.filter((partition) => partition.leader >= 0).length]));
        } finally {
          await admin.disconnect();
        }
      }),
    );
    for (const leaders of leadersSeen) {
      expect(leaders.get('outgoing')).toBe(OUTGOING_TOPIC_PARTITIONS);
      expect(leaders.get('delivery')).toBe(DELIVERY_TOPIC_PARTITIONS);
      expect(leaders.get('progress')).toBe(1);
    }
  }, 60_000);

  it('creates every topic with the catalog’s settings: outgoing, delivery, dead-letter, retry and re-drive outcome topics kept forever, the progress topic compacted', async () => {
    await ensureTopics(kafka, { app: 'state-register', instanceKey: '99', namespace });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const group = consumerGroupOf('state-register', '99', namespace);
      const names = [outgoingTopicOf('state-register', '99', namespace), deliveryTopicOf('state-register', '99', namespace), deadLetterTopicOf(group), redriveTopicOf(group), redriveOutcomeTopicOf(group), outboxProgressTopicOf('state-register', '99', namespace)];
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })) });
      const setting = (topic: string, name: string) => resources.find((resource) => resource.resourceName === topic)?.configEntries.find((entry) => entry.configName === name)?.configValue;
      expect(names.map((topic) => [setting(topic, 'cleanup.policy'), setting(topic, 'retention.ms'), setting(topic, 'unclean.leader.election.enable')])).toEqual([
        ['delete', '-1', 'false'],
        ['delete', '-1', 'false'],
        ['delete', '-1', 'false'],
        ['delete', '-1', 'false'],
        ['delete', '-1', 'false'],
        ['compact', expect.any(String), expect.any(String)],
      ]);
      // the key topics: an erased key compacted away within the bound the README states
      const keyTopics = [subjectKeyTopicOf(outgoingTopicOf('state-register', '99', namespace)), subjectKeyTopicOf(deliveryTopicOf('state-register', '99', namespace))];
      const keyConfigs = await admin.describeConfigs({ includeSynonyms: false, resources: keyTopics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })) });
      for (const topic of keyTopics) {
        const entries = Object.fromEntries(keyConfigs.resources.find((resource) => resource.resourceName === topic)!.configEntries.map((entry) => [entry.configName, entry.configValue]));
        expect([topic, entries['cleanup.policy'], entries['segment.ms'], entries['max.compaction.lag.ms'], entries['min.cleanable.dirty.ratio'], entries['min.compaction.lag.ms']]).toEqual([topic, 'compact', '600000', '3600000', '0.1', '0']);
      }
    } finally {
      await admin.disconnect();
    }
  }, 60_000);

  it('takes records from a producer whose clock runs two hours ahead and stamps them with the broker’s time', async () => {
    await ensureTopics(kafka, { app: 'state-register', instanceKey: '97', namespace });
    const topics = [outgoingTopicOf('state-register', '97', namespace), deliveryTopicOf('state-register', '97', namespace), deadLetterTopicOf(consumerGroupOf('state-register', '97', namespace)), outboxProgressTopicOf('state-register', '97', namespace)];
    const producer = kafka.producer();
    await producer.connect();
    const sentAt = Date.now();
    try {
      // Kafka 4 refuses a CreateTime stamp more than an hour ahead (log.message.timestamp.after.max.ms) with INVALID_TIMESTAMP.
      for (const topic of topics) await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'v', timestamp: String(sentAt + 2 * 60 * 60 * 1000) }] });
    } finally {
      await producer.disconnect();
    }
    const consumer = kafka.consumer({ groupId: `${namespace}.clock-reader` });
    await consumer.connect();
    const stamps: number[] = [];
    try {
      await consumer.subscribe({ topics, fromBeginning: true });
      await new Promise<void>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            stamps.push(Number(message.timestamp));
            if (stamps.length === topics.length) resolve();
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    for (const stamp of stamps) expect(Math.abs(stamp - sentAt)).toBeLessThan(10 * 60 * 1000);
  }, 90_000);

  it('refuses, naming topic and setting, a dead-letter topic that already exists and expires its records', async () => {
    const instanceKey = '98';
    const deadLetterTopic = deadLetterTopicOf(consumerGroupOf('state-register', instanceKey, namespace));
    const admin = kafka.admin();
    await admin.connect();
    try {
      await createTopicsWithLeaders(admin, [{ topic: deadLetterTopic, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '86400000' }] }]);
    } finally {
      await admin.disconnect();
    }
    const refused = ensureTopics(kafka, { app: 'state-register', instanceKey, namespace });
    await expect(refused).rejects.toThrow(StartupRefusedError);
    await expect(refused).rejects.toThrow(`topic ${deadLetterTopic}: retention.ms is 86400000, the catalog says -1`);
  }, 60_000);
});

describe('a service started against a topic that would lose records', () => {
  it('refuses to start, with a message naming the topic and the setting', async () => {
    let deliveryTopic = '';
    const started = startTestRegister({
      beforeStart: async (env) => {
        deliveryTopic = deliveryTopicOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace);
        const admin = env.kafka.admin();
        await admin.connect();
        try {
          await createTopicsWithLeaders(admin, [{ topic: deliveryTopic, numPartitions: DELIVERY_TOPIC_PARTITIONS, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }]);
        } finally {
          await admin.disconnect();
        }
      },
    });
    await expect(started).rejects.toThrow(/refusing to start on topics that would lose records/);
    await expect(started).rejects.toThrow(`topic ${deliveryTopic}: cleanup.policy is compact, the catalog says delete`);
  }, 120_000);
});
