import { SERVICE_PRINCIPALS, brokerPrincipalOf } from './broker-principals';
import { ROUTER_APP, ROUTER_INSTANCE_KEY, consumerGroupOf, deadLetterTopicOf, deliveryTopicOf, namespaced, outboxProgressTopicOf, outgoingTopicOf, redriveOutcomeTopicOf, redriveTopicOf, relayIdOf, stateTopicOf, subjectKeyTopicOf } from './topic-catalog';

export type AclResourceType = 'TOPIC' | 'GROUP' | 'TRANSACTIONAL_ID';
/**
 * Kafka lets READ, WRITE and DELETE imply DESCRIBE, so DESCRIBE is only granted on its own where nothing else is.
 * DESCRIBE_CONFIGS: a service verifies at start the settings of the topics it creates (ensure-topics.ts).
 */
export type AclOperation = 'READ' | 'WRITE' | 'CREATE' | 'DELETE' | 'DESCRIBE' | 'DESCRIBE_CONFIGS';
export type AclPatternType = 'LITERAL' | 'PREFIXED';

/** One ALLOW rule for a principal (`User:<name>`) from any host; everything not allowed is denied. */
export interface BrokerAcl {
  principal: string;
  resourceType: AclResourceType;
  resourceName: string;
  patternType: AclPatternType;
  operation: AclOperation;
}

/** A register process: one authority's, or a provider's hosting several (`instanceKey` = its provider id). */
export interface BrokerInstance {
  app: string;
  instanceKey: string;
}

/**
 * The ACLs of a topology's broker principals in one namespace ('' in production), one per register process
 * (`registerProcessesOf`): each writes only its own outgoing topic under its own transactional id, reads only its own
 * deliveries and retry topic with its own consumer group and writes its own dead letters and re-drive outcomes (a
 * provider's topics carry every authority it hosts, so its ACLs are what those authorities need); the router reads every outgoing topic and
 * writes every delivery topic; the ops dashboard and the replay tool read, and write the retry topics (re-drive). The
 * admin principal is a super user and needs none.
 */
export function brokerAclsOf(instances: readonly BrokerInstance[], namespace = ''): BrokerAcl[] {
  return [
    ...instances.flatMap((instance) => registerInstanceAcls(instance, namespace)),
    ...routerAcls(instances, namespace),
    ...readerAcls(SERVICE_PRINCIPALS.opsDashboard, namespaced('regsync.ops-dashboard.', namespace), namespace),
    ...readerAcls(SERVICE_PRINCIPALS.replay, namespaced('regsync-replay', namespace), namespace),
    ...[SERVICE_PRINCIPALS.opsDashboard, SERVICE_PRINCIPALS.replay].flatMap((principal) => redriveAcls(principal, instances, namespace)),
  ];
}

function registerInstanceAcls({ app, instanceKey }: BrokerInstance, namespace: string, principal = brokerPrincipalOf(app, instanceKey)): BrokerAcl[] {
  const allow = allowFor(principal);
  const group = consumerGroupOf(app, instanceKey, namespace);
  const relayId = relayIdOf(app, instanceKey, namespace);
  return [
    ...allow('TOPIC', outgoingTopicOf(app, instanceKey, namespace), 'LITERAL', 'WRITE', 'CREATE', 'DESCRIBE_CONFIGS'),
    // The keys of the subjects it sends, for the router only; the keys of what it receives, from the router only.
    ...allow('TOPIC', subjectKeyTopicOf(outgoingTopicOf(app, instanceKey, namespace)), 'LITERAL', 'WRITE', 'CREATE', 'DESCRIBE_CONFIGS'),
    ...allow('TRANSACTIONAL_ID', relayId, 'LITERAL', 'WRITE'),
    ...allow('TOPIC', deliveryTopicOf(app, instanceKey, namespace), 'LITERAL', 'READ', 'DESCRIBE_CONFIGS'),
    // Its state topic, read once to bootstrap a new database (with a throw-away group of its own).
    ...allow('TOPIC', stateTopicOf(app, instanceKey, namespace), 'LITERAL', 'READ', 'DESCRIBE_CONFIGS'),
    ...allow('GROUP', `${stateTopicOf(app, instanceKey, namespace)}.bootstrap.`, 'PREFIXED', 'READ', 'DELETE'),
    ...allow('TOPIC', subjectKeyTopicOf(deliveryTopicOf(app, instanceKey, namespace)), 'LITERAL', 'READ', 'CREATE', 'DESCRIBE_CONFIGS'),
    ...allow('GROUP', group, 'LITERAL', 'READ'),
    // The throw-away groups it reads its key topic with, from the start at every start (subject-key-ring.ts).
    ...allow('GROUP', `${group}.keys.`, 'PREFIXED', 'READ', 'DELETE'),
    ...allow('TOPIC', deadLetterTopicOf(group), 'LITERAL', 'WRITE', 'CREATE', 'DESCRIBE_CONFIGS'),
    // Its retry topic it only reads (operators write it); what it made of each re-driven record it writes.
    ...allow('TOPIC', redriveTopicOf(group), 'LITERAL', 'READ', 'CREATE', 'DESCRIBE_CONFIGS'),
    ...allow('TOPIC', redriveOutcomeTopicOf(group), 'LITERAL', 'WRITE', 'CREATE', 'DESCRIBE_CONFIGS'),
    // The relay's own progress topic and the throw-away group it reads its last marker back with.
    ...allow('TOPIC', outboxProgressTopicOf(app, instanceKey, namespace), 'LITERAL', 'READ', 'WRITE', 'CREATE', 'DESCRIBE_CONFIGS'),
    ...allow('GROUP', `${relayId}.recovery.`, 'PREFIXED', 'READ', 'DELETE'),
  ];
}

/**
 * The router is a service instance of its own (`regsync.router.<key>`: outbox, relay, consumer group, dead letters) that
 * reads every outgoing topic and writes every delivery and state topic.
 */
function routerAcls(instances: readonly BrokerInstance[], namespace: string): BrokerAcl[] {
  const allow = allowFor(SERVICE_PRINCIPALS.router);
  return [
    ...registerInstanceAcls({ app: ROUTER_APP, instanceKey: ROUTER_INSTANCE_KEY }, namespace, SERVICE_PRINCIPALS.router),
    // CREATE: the router starts first and creates the topics it reads; only an instance's own principal may write them.
    ...instances.flatMap(({ app, instanceKey }) => allow('TOPIC', outgoingTopicOf(app, instanceKey, namespace), 'LITERAL', 'READ', 'CREATE', 'DESCRIBE_CONFIGS')),
    ...instances.flatMap(({ app, instanceKey }) => allow('TOPIC', subjectKeyTopicOf(outgoingTopicOf(app, instanceKey, namespace)), 'LITERAL', 'READ', 'CREATE', 'DESCRIBE_CONFIGS')),
    ...instances.flatMap(({ app, instanceKey }) => allow('TOPIC', deliveryTopicOf(app, instanceKey, namespace), 'LITERAL', 'WRITE', 'CREATE', 'DESCRIBE_CONFIGS')),
    ...instances.flatMap(({ app, instanceKey }) => allow('TOPIC', stateTopicOf(app, instanceKey, namespace), 'LITERAL', 'WRITE', 'CREATE', 'DESCRIBE_CONFIGS')),
    ...instances.flatMap(({ app, instanceKey }) => allow('TOPIC', subjectKeyTopicOf(deliveryTopicOf(app, instanceKey, namespace)), 'LITERAL', 'WRITE', 'CREATE', 'DESCRIBE_CONFIGS')),
  ];
}

/** Operators' tools: read every regsync topic, see every group's offsets, read with throw-away groups of their own. */
function readerAcls(principal: string, ownGroupPrefix: string, namespace: string): BrokerAcl[] {
  const allow = allowFor(principal);
  return [
    ...allow('TOPIC', namespaced('regsync.', namespace), 'PREFIXED', 'READ'),
    ...allow('GROUP', namespaced('regsync.', namespace), 'PREFIXED', 'DESCRIBE'),
    ...allow('GROUP', ownGroupPrefix, 'PREFIXED', 'READ', 'DELETE'),
  ];
}

/**
 * A re-drive offers a dead letter again on the retry topic of the group that failed it (never on a delivery topic,
 * which every group reading it shares, nor on a sender's outgoing topic, which proves the sender). Only the operators'
 * tools may do that, and they log who did (the dashboard's redrive_audit, the replay tool's audit line).
 */
function redriveAcls(principal: string, instances: readonly BrokerInstance[], namespace: string): BrokerAcl[] {
  const allow = allowFor(principal);
  return [...instances, { app: ROUTER_APP, instanceKey: ROUTER_INSTANCE_KEY }].flatMap(({ app, instanceKey }) => allow('TOPIC', redriveTopicOf(consumerGroupOf(app, instanceKey, namespace)), 'LITERAL', 'WRITE'));
}

function allowFor(name: string) {
  return (resourceType: AclResourceType, resourceName: string, patternType: AclPatternType, ...operations: AclOperation[]): BrokerAcl[] =>
    operations.map((operation) => ({ principal: `User:${name}`, resourceType, resourceName, patternType, operation }));
}
