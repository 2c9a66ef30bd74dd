import { randomUUID } from 'node:crypto';
import { deliveryTopicOf, namespaced } from '@regsync/contracts/topics';
import { sampleEvent } from '@regsync/contracts/sample-events';
import { ensureTopics } from '@regsync/messaging/broker';
import { GroupActiveError, executeOffsetReset, groupLag, planOffsetReset } from '@regsync/event-replay/consumer-group-offsets';
import { ReplayTestEnvironment, startReplayTestEnvironment } from './support/replay-test-environment';

describe('consumer-group offset tools', () => {
  let env: ReplayTestEnvironment;
  let topic: string;
  let group: string;
  let middle: Date;

  beforeAll(async () => {
    env = await startReplayTestEnvironment('offsets');
    await ensureTopics(env.kafka, { app: 'state-register', instanceKey: '14', namespace: env.namespace });
    topic = deliveryTopicOf('state-register', '14', env.namespace);
    group = namespaced(`regsync.state-register.${randomUUID().slice(0, 4)}`, env.namespace);
    const first = Array.from({ length: 30 }, (_, n) => sampleEvent('MovedOut', { subject: { kind: 'PERSON', id: String(10_000_000_000 + n) } }));
    await env.produce(topic, first);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    middle = new Date();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await env.produce(topic, first.map((event) => ({ ...event, envelope: { ...event.envelope, eventId: randomUUID(), subjectVersion: 2 } })));
  });

  afterAll(async () => {
    await env?.close();
  });

  it('shows the whole topic as lag of a group that committed nothing yet, after --to-earliest', async () => {
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      const plan = await planOffsetReset(admin, group, { kind: 'earliest' }, [topic]);
      expect(plan).toHaveLength(6);
      expect(plan.every((step) => step.current === null && step.target === '0')).toBe(true);
      await executeOffsetReset(admin, group, plan);
      const lag = await groupLag(admin, group, [topic]);
      expect(lag.totalLag).toBe(60);
      expect(lag.state).toBe('Empty');
    } finally {
      await admin.disconnect();
    }
  });

  it('plans a reset to a time without moving the group until it is executed', async () => {
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      const plan = await planOffsetReset(admin, group, { kind: 'datetime', at: middle }, [topic]);
      expect(plan.reduce((sum, step) => sum + Number(step.target), 0)).toBe(30);
      expect((await groupLag(admin, group, [topic])).totalLag).toBe(60);
      await executeOffsetReset(admin, group, plan);
      expect((await groupLag(admin, group, [topic])).totalLag).toBe(30);
      await executeOffsetReset(admin, group, await planOffsetReset(admin, group, { kind: 'latest' }));
      expect((await groupLag(admin, group, [topic])).totalLag).toBe(0);
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses to move the offsets of a group while a member consumes', async () => {
    const consumer = env.kafka.consumer({ groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    await consumer.run({ eachMessage: async () => undefined });
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      for (let tries = 0; (await admin.describeGroups([group])).groups[0].members.length === 0 && tries < 50; tries++) await new Promise((resolve) => setTimeout(resolve, 200));
      await expect(executeOffsetReset(admin, group, await planOffsetReset(admin, group, { kind: 'earliest' }))).rejects.toThrow(GroupActiveError);
    } finally {
      await admin.disconnect();
      await consumer.disconnect();
    }
  });
});
