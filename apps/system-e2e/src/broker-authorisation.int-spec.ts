import { randomBytes } from 'node:crypto';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { brokerAclsOf, SERVICE_PRINCIPALS, brokerPrincipalOf } from '@regsync/contracts/broker-access';
import { consumerGroupOf, deliveryTopicOf, outboxProgressTopicOf, outgoingTopicOf, redriveTopicOf, relayIdOf, stateTopicOf } from '@regsync/contracts/topics';
import { createBrokerAcls, deleteBrokerAcls, ensureTopics, kafkaClient, createTopicsWithLeaders } from '@regsync/messaging/broker';
import { BrokerCredentials, loadTopology, localBrokerCredentials } from '@regsync/local-stack/local-stack';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { refusal } from './support/broker-refusal';
import { KAFKA_CONNECTION } from './support/e2e-stack';

jest.setTimeout(120_000);

const osnabrueck = { app: 'municipal-register', instanceKey: '03404000' };
const dresden = { app: 'municipal-register', instanceKey: '14612000' };

/** The ACLs generated from the local topology, enforced by the real broker with SASL/SCRAM principals. */
describe('broker authorisation (SASL/SCRAM principals, ACLs from the topology)', () => {
  const namespace = `acl${randomBytes(3).toString('hex')}`;
  const instances = loadTopology().instances;
  const acls = brokerAclsOf(instances, namespace);
  const admin = kafkaClient(KAFKA_CONNECTION, { clientId: `test-${namespace}`, logLevel: logLevel.NOTHING }).admin();
  const dresdenProgress = outboxProgressTopicOf(dresden.app, dresden.instanceKey, namespace);
  const osnabrueckRetry = redriveTopicOf(consumerGroupOf(osnabrueck.app, osnabrueck.instanceKey, namespace));
  const topics = [
    ...[osnabrueck, dresden].flatMap(({ app, instanceKey }) => [outgoingTopicOf(app, instanceKey, namespace), deliveryTopicOf(app, instanceKey, namespace), stateTopicOf(app, instanceKey, namespace)]),
    dresdenProgress,
    osnabrueckRetry,
  ];
  let credentials: BrokerCredentials;
  let asOsnabrueck: Kafka;
  const clientOf = (username: string, password: string) =>
    kafkaClient({ brokers: KAFKA_CONNECTION.brokers, sasl: { mechanism: credentials.mechanism, username, password } }, { clientId: `test-${namespace}-${username}`, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  /** kafkajs reports a refused coordinator lookup as "Failed to find group coordinator" and logs the broker's answer. */
  const loggingClientOf = (username: string) => {
    const brokerAnswers: string[] = [];
    const client = kafkaClient(
      { brokers: KAFKA_CONNECTION.brokers, sasl: { mechanism: credentials.mechanism, username, password: credentials.passwords[username] } },
      { clientId: `test-${namespace}-logged`, logLevel: logLevel.DEBUG, logCreator: () => ({ log }) => void brokerAnswers.push(String((log.error as { type?: string } | undefined)?.type)) },
    );
    return { client, brokerAnswers };
  };
  const connected = async (client: Admin) => {
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    const found = localBrokerCredentials(KAFKA_CONNECTION);
    if (!found) throw new Error('this test needs the credentials npm run infra:up generated for the broker at KAFKA_BROKERS (.cache/kafka/credentials.json)');
    credentials = found;
    const principal = brokerPrincipalOf(osnabrueck.app, osnabrueck.instanceKey);
    asOsnabrueck = clientOf(principal, credentials.passwords[principal]);
    await admin.connect();
    await createTopicsWithLeaders(admin, topics.map((topic) => ({ topic, numPartitions: 1 })));
    await createBrokerAcls(admin, acls);
    // ACLs reach the broker's authorizer through the metadata log a moment after the controller accepted them
    await waitUntil('Osnabrück may write its own outgoing topic', async () => {
      const producer = asOsnabrueck.producer();
      await producer.connect();
      try {
        await producer.send({ topic: outgoingTopicOf(osnabrueck.app, osnabrueck.instanceKey, namespace), messages: [{ key: 'k', value: 'own event' }] });
        return true;
      } finally {
        await producer.disconnect();
      }
    });
  });

  afterAll(async () => {
    await deleteBrokerAcls(admin, acls).catch(() => undefined);
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  it("refuses a municipality's principal writing another register's outgoing topic", async () => {
    const producer = asOsnabrueck.producer();
    await producer.connect();
    try {
      const refused = await refusal(producer.send({ topic: outgoingTopicOf(dresden.app, dresden.instanceKey, namespace), messages: [{ key: 'k', value: 'forged' }] }));
      expect(refused).toMatch(/Topic authorization failed/);
    } finally {
      await producer.disconnect();
    }
  });

  it("lets a municipality's principal create its missing topics and verify the settings of all of them at start", async () => {
    await ensureTopics(asOsnabrueck, { ...osnabrueck, namespace });
  });

  it("refuses a municipality's principal another relay's transactional id", async () => {
    const { client, brokerAnswers } = loggingClientOf(brokerPrincipalOf(osnabrueck.app, osnabrueck.instanceKey));
    const producer = client.producer({ transactionalId: relayIdOf(dresden.app, dresden.instanceKey, namespace), idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
    await producer.connect();
    try {
      expect(await refusal(producer.transaction())).toMatch(/Failed to find group coordinator/);
      expect(brokerAnswers).toContain('TRANSACTIONAL_ID_AUTHORIZATION_FAILED');
    } finally {
      await producer.disconnect();
    }
  });

  it("refuses a municipality's principal another relay's progress topic, for writing and for reading", async () => {
    const producer = asOsnabrueck.producer();
    await producer.connect();
    try {
      expect(await refusal(producer.send({ topic: dresdenProgress, messages: [{ key: relayIdOf(dresden.app, dresden.instanceKey, namespace), value: '{"ids":[]}' }] }))).toMatch(/Topic authorization failed/);
    } finally {
      await producer.disconnect();
    }
    const consumer = asOsnabrueck.consumer({ groupId: `${relayIdOf(osnabrueck.app, osnabrueck.instanceKey, namespace)}.recovery.test` });
    await consumer.connect();
    try {
      expect(await refusal(consumer.subscribe({ topics: [dresdenProgress], fromBeginning: true }))).toMatch(/^TOPIC_AUTHORIZATION_FAILED/);
    } finally {
      await consumer.disconnect();
    }
  });

  it("lets a municipality read its own deliveries with its own group, and refuses another's deliveries and outgoing topic", async () => {
    const ownGroup = consumerGroupOf(osnabrueck.app, osnabrueck.instanceKey, namespace);
    const ownDeliveries = deliveryTopicOf(osnabrueck.app, osnabrueck.instanceKey, namespace);
    const producer = kafkaClient(KAFKA_CONNECTION, { clientId: `test-${namespace}-router`, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: ownDeliveries, messages: [{ key: 'k', value: 'delivered to Osnabrück' }] });
    await producer.disconnect();

    const consumer = asOsnabrueck.consumer({ groupId: ownGroup, maxWaitTimeInMs: 500 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [ownDeliveries], fromBeginning: true });
      const read = new Promise<string>((resolve) => void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) }));
      expect(await read).toBe('delivered to Osnabrück');
      await consumer.stop();
      for (const foreign of [deliveryTopicOf(dresden.app, dresden.instanceKey, namespace), outgoingTopicOf(dresden.app, dresden.instanceKey, namespace)]) {
        expect(await refusal(consumer.subscribe({ topics: [foreign], fromBeginning: true }))).toMatch(/^TOPIC_AUTHORIZATION_FAILED/);
      }
    } finally {
      await consumer.disconnect();
    }
  });

  it("lets only the router write a state topic, and only its instance read it (with its bootstrap group)", async () => {
    const ownState = stateTopicOf(osnabrueck.app, osnabrueck.instanceKey, namespace);
    const asRouter = clientOf(SERVICE_PRINCIPALS.router, credentials.passwords[SERVICE_PRINCIPALS.router]).producer();
    await asRouter.connect();
    try {
      await asRouter.send({ topic: ownState, messages: [{ key: 'k', value: 'state of k' }] });
    } finally {
      await asRouter.disconnect();
    }
    const producer = asOsnabrueck.producer();
    await producer.connect();
    try {
      expect(await refusal(producer.send({ topic: ownState, messages: [{ key: 'k', value: 'forged state' }] }))).toMatch(/Topic authorization failed/);
    } finally {
      await producer.disconnect();
    }
    const consumer = asOsnabrueck.consumer({ groupId: `${ownState}.bootstrap.test`, maxWaitTimeInMs: 500 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [ownState], fromBeginning: true });
      const read = new Promise<string>((resolve) => void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) }));
      expect(await read).toBe('state of k');
      await consumer.stop();
      expect(await refusal(consumer.subscribe({ topics: [stateTopicOf(dresden.app, dresden.instanceKey, namespace)], fromBeginning: true }))).toMatch(/^TOPIC_AUTHORIZATION_FAILED/);
    } finally {
      await consumer.disconnect();
    }
  });

  it("lets only the operators' principals write a group's retry topic, and only the group read it", async () => {
    for (const operator of [SERVICE_PRINCIPALS.opsDashboard, SERVICE_PRINCIPALS.replay]) {
      // idempotent, as the dashboard's and the replay tool's re-drive producers are
      const producer = clientOf(operator, credentials.passwords[operator]).producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 3 } });
      await producer.connect();
      try {
        await producer.send({ topic: osnabrueckRetry, messages: [{ key: 'k', value: `re-driven by ${operator}` }] });
      } finally {
        await producer.disconnect();
      }
    }
    const producer = asOsnabrueck.producer();
    await producer.connect();
    try {
      expect(await refusal(producer.send({ topic: osnabrueckRetry, messages: [{ key: 'k', value: 'offered to itself' }] }))).toMatch(/Topic authorization failed/);
    } finally {
      await producer.disconnect();
    }
    const dresdenPrincipal = brokerPrincipalOf(dresden.app, dresden.instanceKey);
    const asDresden = clientOf(dresdenPrincipal, credentials.passwords[dresdenPrincipal]).consumer({ groupId: consumerGroupOf(dresden.app, dresden.instanceKey, namespace) });
    await asDresden.connect();
    try {
      expect(await refusal(asDresden.subscribe({ topics: [osnabrueckRetry], fromBeginning: true }))).toMatch(/^TOPIC_AUTHORIZATION_FAILED/);
    } finally {
      await asDresden.disconnect();
    }
    const own = asOsnabrueck.consumer({ groupId: consumerGroupOf(osnabrueck.app, osnabrueck.instanceKey, namespace), maxWaitTimeInMs: 500 });
    await own.connect();
    try {
      await own.subscribe({ topics: [osnabrueckRetry], fromBeginning: true });
      const read = new Promise<string>((resolve) => void own.run({ eachMessage: async ({ message }) => resolve(String(message.value)) }));
      expect(await read).toBe(`re-driven by ${SERVICE_PRINCIPALS.opsDashboard}`);
    } finally {
      await own.disconnect();
    }
  });

  it("refuses a municipality's principal committing another group's offsets", async () => {
    const { client, brokerAnswers } = loggingClientOf(brokerPrincipalOf(osnabrueck.app, osnabrueck.instanceKey));
    const osnabrueckAdmin = await connected(client.admin());
    const ownDeliveries = deliveryTopicOf(osnabrueck.app, osnabrueck.instanceKey, namespace);
    const commit = (groupId: string) => osnabrueckAdmin.setOffsets({ groupId, topic: ownDeliveries, partitions: [{ partition: 0, offset: '0' }] });
    try {
      await commit(consumerGroupOf(osnabrueck.app, osnabrueck.instanceKey, namespace));
      expect(brokerAnswers).not.toContain('GROUP_AUTHORIZATION_FAILED');
      expect(await refusal(commit(consumerGroupOf(dresden.app, dresden.instanceKey, namespace)))).toMatch(/Failed to find group coordinator/);
      expect(brokerAnswers).toContain('GROUP_AUTHORIZATION_FAILED');
    } finally {
      await osnabrueckAdmin.disconnect();
    }
  });

  it('refuses a client without credentials and one with a wrong password', async () => {
    const anonymous = kafkaClient({ brokers: KAFKA_CONNECTION.brokers }, { clientId: `test-${namespace}-anonymous`, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 3_000, requestTimeout: 3_000 });
    expect(await refusal(connected(anonymous.admin()).then((client) => client.listTopics()))).toMatch(/closed|timeout|disconnect/i);
    const principal = brokerPrincipalOf(dresden.app, dresden.instanceKey);
    const impostor = clientOf(principal, `${credentials.passwords[principal]}-guessed`);
    expect(await refusal(connected(impostor.admin()))).toMatch(/SASL SCRAM SHA512 authentication failed/);
  });
});
