import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AclOperation, AclResourceType, BrokerAcl, brokerAclsOf } from './broker-acls';
import { brokerPrincipalOf } from './broker-principals';
import { ROUTER_APP, ROUTER_INSTANCE_KEY, consumerGroupOf, deadLetterTopicOf, deliveryTopicOf, outgoingTopicOf, redriveOutcomeTopicOf, redriveTopicOf, relayIdOf } from './topic-catalog';

const osnabrueck = { app: 'municipal-register', instanceKey: '03404000' };
const dresden = { app: 'municipal-register', instanceKey: '14612000' };
const sachsen = { app: 'state-register', instanceKey: '14' };
const topology = [osnabrueck, dresden, sachsen];

/** Kafka's decision for an ALLOW-only ACL set: a literal name matches exactly, a prefixed one every name it starts. */
function allowed(acls: BrokerAcl[], user: string, resourceType: AclResourceType, name: string, operation: AclOperation): boolean {
  const implied = operation === 'DESCRIBE' ? ['DESCRIBE', 'READ', 'WRITE', 'DELETE'] : [operation];
  return acls.some(
    (acl) =>
      acl.principal === `User:${user}` &&
      acl.resourceType === resourceType &&
      implied.includes(acl.operation) &&
      (acl.patternType === 'LITERAL' ? acl.resourceName === name : name.startsWith(acl.resourceName)),
  );
}

describe('brokerAclsOf', () => {
  const acls = brokerAclsOf(topology);
  const osnabrueckUser = 'municipal-register.03404000';

  it('lets a register instance write only its own outgoing topic, under its own transactional id', () => {
    expect(allowed(acls, osnabrueckUser, 'TOPIC', outgoingTopicOf(osnabrueck.app, osnabrueck.instanceKey), 'WRITE')).toBe(true);
    expect(allowed(acls, osnabrueckUser, 'TOPIC', outgoingTopicOf(dresden.app, dresden.instanceKey), 'WRITE')).toBe(false);
    expect(allowed(acls, osnabrueckUser, 'TRANSACTIONAL_ID', relayIdOf(osnabrueck.app, osnabrueck.instanceKey), 'WRITE')).toBe(true);
    expect(allowed(acls, osnabrueckUser, 'TRANSACTIONAL_ID', relayIdOf(dresden.app, dresden.instanceKey), 'WRITE')).toBe(false);
  });

  it("lets a register instance read only its own deliveries, never another's deliveries or outgoing topic", () => {
    expect(allowed(acls, osnabrueckUser, 'TOPIC', deliveryTopicOf(osnabrueck.app, osnabrueck.instanceKey), 'READ')).toBe(true);
    expect(allowed(acls, osnabrueckUser, 'TOPIC', deliveryTopicOf(dresden.app, dresden.instanceKey), 'READ')).toBe(false);
    expect(allowed(acls, osnabrueckUser, 'TOPIC', outgoingTopicOf(dresden.app, dresden.instanceKey), 'READ')).toBe(false);
    expect(allowed(acls, osnabrueckUser, 'TOPIC', deliveryTopicOf(osnabrueck.app, osnabrueck.instanceKey), 'WRITE')).toBe(false);
  });

  it('lets a register instance use only its own consumer group and write only its own dead letters', () => {
    const ownGroup = consumerGroupOf(osnabrueck.app, osnabrueck.instanceKey);
    const othersGroup = consumerGroupOf(dresden.app, dresden.instanceKey);
    expect(allowed(acls, osnabrueckUser, 'GROUP', ownGroup, 'READ')).toBe(true);
    expect(allowed(acls, osnabrueckUser, 'GROUP', othersGroup, 'READ')).toBe(false);
    expect(allowed(acls, osnabrueckUser, 'TOPIC', deadLetterTopicOf(ownGroup), 'WRITE')).toBe(true);
    expect(allowed(acls, osnabrueckUser, 'TOPIC', deadLetterTopicOf(othersGroup), 'WRITE')).toBe(false);
  });

  it('lets the router read every outgoing topic and write every delivery topic, and nothing the other way round', () => {
    for (const instance of topology) {
      expect(allowed(acls, 'router', 'TOPIC', outgoingTopicOf(instance.app, instance.instanceKey), 'READ')).toBe(true);
      expect(allowed(acls, 'router', 'TOPIC', deliveryTopicOf(instance.app, instance.instanceKey), 'WRITE')).toBe(true);
      expect(allowed(acls, 'router', 'TOPIC', outgoingTopicOf(instance.app, instance.instanceKey), 'WRITE')).toBe(false);
      expect(allowed(acls, 'router', 'TOPIC', deliveryTopicOf(instance.app, instance.instanceKey), 'READ')).toBe(false);
    }
  });

  it('lets the ops dashboard and the replay tool read every regsync topic, and write only the retry topics, to re-drive', () => {
    for (const reader of ['ops-dashboard', 'replay']) {
      expect(allowed(acls, reader, 'TOPIC', deliveryTopicOf(dresden.app, dresden.instanceKey), 'READ')).toBe(true);
      expect(allowed(acls, reader, 'TOPIC', outgoingTopicOf(sachsen.app, sachsen.instanceKey), 'READ')).toBe(true);
      expect(allowed(acls, reader, 'GROUP', consumerGroupOf(dresden.app, dresden.instanceKey), 'DESCRIBE')).toBe(true);
      expect(allowed(acls, reader, 'GROUP', consumerGroupOf(dresden.app, dresden.instanceKey), 'READ')).toBe(false);
      // every dead letter goes to the retry topic of the group that failed it: never onto a delivery topic, which
      // other groups may read too, nor onto a sender's outgoing topic (only the sender writes that: it proves the sender)
      expect(allowed(acls, reader, 'TOPIC', redriveTopicOf(consumerGroupOf(dresden.app, dresden.instanceKey)), 'WRITE')).toBe(true);
      expect(allowed(acls, reader, 'TOPIC', redriveTopicOf(consumerGroupOf(ROUTER_APP, ROUTER_INSTANCE_KEY)), 'WRITE')).toBe(true);
      expect(allowed(acls, reader, 'TOPIC', deliveryTopicOf(dresden.app, dresden.instanceKey), 'WRITE')).toBe(false);
      expect(allowed(acls, reader, 'TOPIC', outgoingTopicOf(sachsen.app, sachsen.instanceKey), 'WRITE')).toBe(false);
      expect(allowed(acls, reader, 'TOPIC', redriveOutcomeTopicOf(consumerGroupOf(dresden.app, dresden.instanceKey)), 'WRITE')).toBe(false);
    }
  });

  it("lets a group's principal read its own retry topic and write its re-drive outcomes, never write its retry topic or read another's", () => {
    const dresdenUser = brokerPrincipalOf(dresden.app, dresden.instanceKey);
    const dresdenGroup = consumerGroupOf(dresden.app, dresden.instanceKey);
    const osnabrueckGroup = consumerGroupOf(osnabrueck.app, osnabrueck.instanceKey);
    expect(allowed(acls, dresdenUser, 'TOPIC', redriveTopicOf(dresdenGroup), 'READ')).toBe(true);
    expect(allowed(acls, dresdenUser, 'TOPIC', redriveTopicOf(dresdenGroup), 'WRITE')).toBe(false);
    expect(allowed(acls, dresdenUser, 'TOPIC', redriveOutcomeTopicOf(dresdenGroup), 'WRITE')).toBe(true);
    expect(allowed(acls, dresdenUser, 'TOPIC', redriveTopicOf(osnabrueckGroup), 'READ')).toBe(false);
    expect(allowed(acls, dresdenUser, 'TOPIC', redriveOutcomeTopicOf(osnabrueckGroup), 'WRITE')).toBe(false);
    expect(allowed(acls, 'router', 'TOPIC', redriveTopicOf(consumerGroupOf(ROUTER_APP, ROUTER_INSTANCE_KEY)), 'READ')).toBe(true);
    expect(allowed(acls, 'router', 'TOPIC', redriveTopicOf(dresdenGroup), 'READ')).toBe(false);
    expect(allowed(acls, osnabrueckUser, 'TOPIC', redriveTopicOf(consumerGroupOf(ROUTER_APP, ROUTER_INSTANCE_KEY)), 'WRITE')).toBe(false);
  });

  it('lets the router run as a service of its own: its group, relay id and dead letters, no register instance its', () => {
    const routerGroup = consumerGroupOf(ROUTER_APP, ROUTER_INSTANCE_KEY);
    expect(allowed(acls, 'router', 'GROUP', routerGroup, 'READ')).toBe(true);
    expect(allowed(acls, 'router', 'TRANSACTIONAL_ID', relayIdOf(ROUTER_APP, ROUTER_INSTANCE_KEY), 'WRITE')).toBe(true);
    expect(allowed(acls, 'router', 'TOPIC', deadLetterTopicOf(routerGroup), 'WRITE')).toBe(true);
    expect(allowed(acls, osnabrueckUser, 'GROUP', routerGroup, 'READ')).toBe(false);
    expect(allowed(acls, 'router', 'GROUP', consumerGroupOf(dresden.app, dresden.instanceKey), 'READ')).toBe(false);
    expect(allowed(acls, 'router', 'TRANSACTIONAL_ID', relayIdOf(dresden.app, dresden.instanceKey), 'WRITE')).toBe(false);
  });

  it("covers a namespace's names only, never production's", () => {
    const namespaced = brokerAclsOf(topology, 'test1');
    expect(allowed(namespaced, osnabrueckUser, 'TOPIC', outgoingTopicOf(osnabrueck.app, osnabrueck.instanceKey, 'test1'), 'WRITE')).toBe(true);
    expect(allowed(namespaced, osnabrueckUser, 'TOPIC', outgoingTopicOf(osnabrueck.app, osnabrueck.instanceKey), 'WRITE')).toBe(false);
    expect(allowed(namespaced, 'replay', 'TOPIC', deliveryTopicOf(dresden.app, dresden.instanceKey), 'READ')).toBe(false);
  });

  it('grants nothing on the shared event topics of the layout before the router', () => {
    expect(allowed(acls, osnabrueckUser, 'TOPIC', 'regsync.person.events.v1', 'WRITE')).toBe(false);
    expect(allowed(acls, osnabrueckUser, 'TOPIC', 'regsync.parcel.events.v1', 'READ')).toBe(false);
  });
});

describe('deploy/kafka/users.yaml', () => {
  const root = join(__dirname, '..', '..', '..');
  const { instances } = JSON.parse(readFileSync(join(root, 'deploy', 'local', 'topology.json'), 'utf8')) as { instances: { app: string; instanceKey: string }[] };

  it('grants each Strimzi KafkaUser exactly the ACLs brokerAclsOf generates (regenerate: npm run deploy:kafka-users)', () => {
    const deployed: string[] = [];
    for (const document of readFileSync(join(root, 'deploy', 'kafka', 'users.yaml'), 'utf8').split('\n---\n').slice(1)) {
      const user = /^ {2}name: (.+)$/m.exec(document)![1];
      for (const [, type, name, patternType, operations] of document.matchAll(/resource: \{ type: (\w+), name: "([^"]+)", patternType: (\w+) \}, operations: \[([^\]]+)\]/g)) {
        for (const operation of operations.split(', ')) deployed.push(`User:${user} ${type} ${name} ${patternType} ${operation}`.toLowerCase());
      }
    }
    const generated = brokerAclsOf(instances).map((acl) => `${acl.principal} ${acl.resourceType.replace('_', '')} ${acl.resourceName} ${acl.patternType} ${acl.operation.replace('_', '')}`.toLowerCase());
    expect(deployed.sort()).toEqual(generated.sort());
  });
});
