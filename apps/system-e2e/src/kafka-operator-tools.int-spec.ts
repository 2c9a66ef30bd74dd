import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logLevel } from 'kafkajs';
import { kafkaClient, createTopicsWithLeaders } from '@regsync/messaging/broker';
import { workspaceRoot } from '@regsync/local-stack/local-stack';
import { KAFKA_BROKERS, KAFKA_CONNECTION } from './support/e2e-stack';

jest.setTimeout(240_000);

/** `npm run kafka -- …`: Kafka's own operator tools, run the way an operator on call runs them. */
describe('npm run kafka (Kafka operator tools)', () => {
  const namespace = `tools${randomBytes(3).toString('hex')}`;
  const topic = `${namespace}.regsync.person.events.v1`;
  const group = `${namespace}.regsync.state-register.03`;
  const kafka = kafkaClient(KAFKA_CONNECTION, { clientId: `test-${namespace}`, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const kafkaTool = (...args: string[]) => {
    const result = spawnSync(process.execPath, ['tools/kafka.mjs', ...args], { cwd: workspaceRoot(), encoding: 'utf8', env: { ...process.env, KAFKA_BROKERS } });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };

  beforeAll(async () => {
    await admin.connect();
    await createTopicsWithLeaders(admin, [{ topic, numPartitions: 2, replicationFactor: 1 }]);
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '0' }, { partition: 1, offset: '0' }] });
  });

  afterAll(async () => {
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('lists and describes topics with kafka-topics', () => {
    expect(kafkaTool('topics', '--list')).toMatchObject({ status: 0, output: expect.stringContaining(topic) });
    expect(kafkaTool('topics', '--describe', '--topic', topic).output).toMatch(/PartitionCount:\s*2/);
  });

  it('describes a consumer group with its committed offsets and lag with kafka-consumer-groups', () => {
    const { status, output } = kafkaTool('groups', '--describe', '--group', group);
    expect(status).toBe(0);
    expect(output).toMatch(new RegExp(`${group}\\s+${topic.replace(/\./g, '\\.')}\\s+0\\s+0\\s+0\\s+0`));
  });

  it('lists the transactional ids of the relays with kafka-transactions', () => {
    expect(kafkaTool('transactions', 'list')).toMatchObject({ status: 0, output: expect.stringContaining('TransactionalId') });
  });

  it('refuses an unknown tool with its usage and exit code 2', () => {
    expect(kafkaTool('reassign')).toMatchObject({ status: 2, output: expect.stringContaining('topics|groups|transactions|offsets') });
  });

  it('runs the tools of the Kafka version the broker runs', () => {
    const versionOf = (pom: string) => /<kafka\.version>([^<]+)</.exec(readFileSync(join(workspaceRoot(), 'tools', 'infra', pom), 'utf8'))?.[1];
    expect(versionOf('kafka-tools.pom.xml')).toBe(versionOf('kafka-runtime.pom.xml'));
  });
});
