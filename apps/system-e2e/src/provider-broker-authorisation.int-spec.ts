import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { brokerAclsOf, brokerPrincipalOf, registerProcessesOf } from '@regsync/contracts/broker-access';
import { consumerGroupOf, deliveryTopicOf, outgoingTopicOf } from '@regsync/contracts/topics';
import { createBrokerAcls, deleteBrokerAcls, kafkaClient, createTopicsWithLeaders } from '@regsync/messaging/broker';
import { loadTopology, localBrokerCredentials } from '@regsync/local-stack/local-stack';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { refusal } from './support/broker-refusal';
import { KAFKA_CONNECTION } from './support/e2e-stack';

jest.setTimeout(120_000);

const APP = 'municipal-register';
// Two provider processes: Dresden's hosts Leipzig too, Osnabrück's hosts Hannover. Their ids are keys the local
// broker has SCRAM principals for (made at format from deploy/local/topology.json).
const SACHSEN_PROVIDER = '14612000';
const NIEDERSACHSEN_PROVIDER = '03404000';
const LEIPZIG = '14713000';

/** A client of the real broker authenticated as the principal of `app` `instanceKey`, with the local broker's credentials. */
function principalClient(app: 'municipal-register' | 'state-register', instanceKey: string, namespace: string): Kafka {
  const credentials = localBrokerCredentials(KAFKA_CONNECTION);
  if (!credentials) throw new Error('this test needs the credentials npm run infra:up generated for the broker at KAFKA_BROKERS (.cache/kafka/credentials.json)');
  const username = brokerPrincipalOf(app, instanceKey);
  return kafkaClient({ brokers: KAFKA_CONNECTION.brokers, sasl: { mechanism: credentials.mechanism, username, password: credentials.passwords[username] } }, { clientId: `test-${namespace}-${instanceKey}`, logLevel: logLevel.NOTHING, retry: { retries: 0 } });
}

/** The ACLs of a topology with provider processes, enforced by the real broker: one principal per process. */
describe('broker authorisation of provider processes', () => {
  const namespace = `aclp${randomBytes(3).toString('hex')}`;
  const topology = {
    ...loadTopology(),
    providers: [
      { id: SACHSEN_PROVIDER, app: APP, authorities: [SACHSEN_PROVIDER, LEIPZIG] },
      { id: NIEDERSACHSEN_PROVIDER, app: APP, authorities: [NIEDERSACHSEN_PROVIDER, '03241001'] },
    ],
  };
  const acls = brokerAclsOf(registerProcessesOf(topology), namespace);
  const admin = kafkaClient(KAFKA_CONNECTION, { clientId: `test-${namespace}`, logLevel: logLevel.NOTHING }).admin();
  const ownDeliveries = deliveryTopicOf(APP, NIEDERSACHSEN_PROVIDER, namespace);
  const foreignDeliveries = deliveryTopicOf(APP, SACHSEN_PROVIDER, namespace);
  const topics = [ownDeliveries, foreignDeliveries, outgoingTopicOf(APP, NIEDERSACHSEN_PROVIDER, namespace), outgoingTopicOf(APP, SACHSEN_PROVIDER, namespace)];
  const clientOf = (instanceKey: string): Kafka => principalClient(APP, instanceKey, namespace);

  beforeAll(async () => {
    await admin.connect();
    await createTopicsWithLeaders(admin, topics.map((topic) => ({ topic, numPartitions: 1 })));
    await createBrokerAcls(admin, acls);
    // As the router delivers: Hannover's and Leipzig's deliveries on their providers' topics.
    const router = kafkaClient(KAFKA_CONNECTION, { clientId: `test-${namespace}-router`, logLevel: logLevel.NOTHING }).producer();
    await router.connect();
    await router.send({ topic: ownDeliveries, messages: [{ key: 'k', value: 'delivered to Hannover', headers: { 'regsync-recipient-authority': '03241001' } }] });
    await router.send({ topic: foreignDeliveries, messages: [{ key: 'k', value: 'delivered to Leipzig', headers: { 'regsync-recipient-authority': LEIPZIG } }] });
    await router.disconnect();
  });

  afterAll(async () => {
    await deleteBrokerAcls(admin, acls).catch(() => undefined);
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  it("lets a provider's principal read its one delivery topic (every authority it hosts) with its group, and refuses another provider's", async () => {
    const consumer = clientOf(NIEDERSACHSEN_PROVIDER).consumer({ groupId: consumerGroupOf(APP, NIEDERSACHSEN_PROVIDER, namespace), maxWaitTimeInMs: 500 });
    await consumer.connect();
    try {
      // ACLs reach the authorizer through the metadata log a moment after the controller accepted them.
      await waitUntil('the provider may read its deliveries', async () => (await consumer.subscribe({ topics: [ownDeliveries], fromBeginning: true }).then(() => true)));
      const read = new Promise<string>((resolve) => void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) }));
      expect(await read).toBe('delivered to Hannover');
      await consumer.stop();
      for (const foreign of [foreignDeliveries, outgoingTopicOf(APP, SACHSEN_PROVIDER, namespace)]) {
        expect(await refusal(consumer.subscribe({ topics: [foreign], fromBeginning: true }))).toMatch(/^TOPIC_AUTHORIZATION_FAILED/);
      }
    } finally {
      await consumer.disconnect();
    }
  });

  it("refuses a provider's principal writing another provider's outgoing topic", async () => {
    const producer = clientOf(NIEDERSACHSEN_PROVIDER).producer();
    await producer.connect();
    try {
      expect(await refusal(producer.send({ topic: outgoingTopicOf(APP, SACHSEN_PROVIDER, namespace), messages: [{ key: 'k', value: 'forged' }] }))).toMatch(/Topic authorization failed/);
    } finally {
      await producer.disconnect();
    }
  });

  it('gives an authority hosted by a provider no principal of its own: its old principal may not read the deliveries addressed to it', async () => {
    const consumer = clientOf(LEIPZIG).consumer({ groupId: consumerGroupOf(APP, LEIPZIG, namespace), maxWaitTimeInMs: 500 });
    await consumer.connect();
    try {
      expect(await refusal(consumer.subscribe({ topics: [foreignDeliveries], fromBeginning: true }))).toMatch(/^TOPIC_AUTHORIZATION_FAILED/);
    } finally {
      await consumer.disconnect();
    }
    expect(acls.filter((acl) => acl.principal === `User:${brokerPrincipalOf(APP, LEIPZIG)}`)).toEqual([]);
  });
});

/**
 * A state-register process hosting both Länder the local broker has principals for (Niedersachsen's id, Sachsen hosted
 * with it): the provider's principal reads the deliveries of both, Sachsen's own principal nothing of the process.
 */
describe('broker authorisation of a state provider hosting two Länder', () => {
  const STATE = 'state-register';
  const namespace = `aclq${randomBytes(3).toString('hex')}`;
  const topology = { ...loadTopology(), providers: [{ id: '03', app: STATE, authorities: ['03', '14'] }] };
  const acls = brokerAclsOf(registerProcessesOf(topology), namespace);
  const admin = kafkaClient(KAFKA_CONNECTION, { clientId: `test-${namespace}`, logLevel: logLevel.NOTHING }).admin();
  const deliveries = deliveryTopicOf(STATE, '03', namespace);
  const outgoing = outgoingTopicOf(STATE, '03', namespace);

  beforeAll(async () => {
    await admin.connect();
    await createTopicsWithLeaders(admin, [deliveries, outgoing].map((topic) => ({ topic, numPartitions: 1 })));
    await createBrokerAcls(admin, acls);
    const router = kafkaClient(KAFKA_CONNECTION, { clientId: `test-${namespace}-router`, logLevel: logLevel.NOTHING }).producer();
    await router.connect();
    await router.send({ topic: deliveries, messages: [{ key: 'k', value: 'delivered to Sachsen', headers: { 'regsync-recipient-authority': '14' } }] });
    await router.disconnect();
  });

  afterAll(async () => {
    await deleteBrokerAcls(admin, acls).catch(() => undefined);
    await admin.deleteTopics({ topics: [deliveries, outgoing] }).catch(() => undefined);
    await admin.disconnect();
  });

  it("lets the provider's principal read the deliveries of both Länder with its group", async () => {
    const consumer = principalClient(STATE, '03', namespace).consumer({ groupId: consumerGroupOf(STATE, '03', namespace), maxWaitTimeInMs: 500 });
    await consumer.connect();
    try {
      await waitUntil('the provider may read its deliveries', async () => (await consumer.subscribe({ topics: [deliveries], fromBeginning: true }).then(() => true)));
      const read = new Promise<string>((resolve) => void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) }));
      expect(await read).toBe('delivered to Sachsen');
    } finally {
      await consumer.disconnect();
    }
  });

  it("gives a Land hosted by the provider no principal of its own: Sachsen's old principal may neither read the deliveries addressed to it nor write as the provider", async () => {
    const sachsen = principalClient(STATE, '14', namespace);
    const consumer = sachsen.consumer({ groupId: consumerGroupOf(STATE, '14', namespace), maxWaitTimeInMs: 500 });
    await consumer.connect();
    try {
      expect(await refusal(consumer.subscribe({ topics: [deliveries], fromBeginning: true }))).toMatch(/^TOPIC_AUTHORIZATION_FAILED/);
    } finally {
      await consumer.disconnect();
    }
    const producer = sachsen.producer();
    await producer.connect();
    try {
      expect(await refusal(producer.send({ topic: outgoing, messages: [{ key: 'k', value: 'forged' }] }))).toMatch(/Topic authorization failed/);
    } finally {
      await producer.disconnect();
    }
    expect(acls.filter((acl) => acl.principal === `User:${brokerPrincipalOf(STATE, '14')}`)).toEqual([]);
  });
});
