import { Admin, KafkaMessage } from 'kafkajs';
import { decodeStateRecord, type StateRecord } from '@regsync/contracts/event-encoding';
import { consumerGroupOf, deliveryTopicOf, redriveTopicOf, stateTopicOf, subjectKeyTopicOf } from '@regsync/contracts/topics';
import { RELAY_MAX_BATCH_ROWS } from '@regsync/messaging/replay-support';
import { SubjectKeyRing, keyRingGroupPrefixOf } from '@regsync/messaging/crypto-shredding';
import { retryRouteOf } from '@regsync/messaging/broker';
import { readBoundedLog } from './bounded-log-reader';
import { resolveLogRange } from './log-range';
import { ReplayApplier, ReplayOutcome } from './replay-applier';
import { ReplayTarget } from './replay-target';

/** topic → the offsets (per partition) the instance's consumer group continues from. */
export type GroupOffsets = Record<string, { partition: number; offset: string }[]>;

export interface BootstrapResult {
  stateTopic: string;
  subjects: number;
  deliveries: number;
  outcomes: Record<ReplayOutcome, number>;
  offsets: GroupOffsets;
}

const CHUNK = 500;
/**
 * The router's last relay transaction may be committed on a delivery partition while its commit marker is not yet
 * written on a state partition (markers are written per partition after the commit), so a delivery below the delivery
 * topic's stable end can miss from the state read. Only the last transaction can (the relay's next one waits for every
 * marker of the previous), and it holds at most RELAY_MAX_BATCH_ROWS records (+ its marker): the group starts that far
 * before the end and finds the rest of it as duplicates.
 */
const LAST_TRANSACTION = BigInt(RELAY_MAX_BATCH_ROWS + 1);
const maxOf = (a: bigint, b: bigint) => (a > b ? a : b);

/**
 * Starts a new, empty database of a register instance from its state topic instead of its delivery history: takes
 * the delivery and retry topics' ends (last stable offsets: every transaction below them committed), reads the state
 * topic to its end (read_committed, the latest record per subject; tombstones remove it), applies each subject's
 * deliveries in order through the live apply path (inbox, applied versions, handlers, transfer log), and sets the
 * instance's consumer group to those ends, less the router's last relay transaction (LAST_TRANSACTION). The router
 * writes a subject's state record in the transaction of the deliveries it covers, so every delivery below that point
 * is in what was read; one read again after it is a duplicate for the inbox.
 * Runs with the instance's own credentials (it reads its state topic and sets its own group) or an operator's.
 */
export async function bootstrapFromStateTopic(target: ReplayTarget): Promise<BootstrapResult> {
  const { app, instanceKey, namespace } = target.messaging;
  const group = consumerGroupOf(app, instanceKey, namespace);
  const stateTopic = stateTopicOf(app, instanceKey, namespace);
  const admin = target.kafka.admin();
  await admin.connect();
  try {
    await refuseUnlessNew(target, admin, group);
    const offsets: GroupOffsets = {};
    for (const topic of [deliveryTopicOf(app, instanceKey, namespace), redriveTopicOf(group)]) {
      offsets[topic] = (await admin.fetchTopicOffsets(topic)).map(({ partition, offset, low }) => ({ partition, offset: String(maxOf(BigInt(low), BigInt(offset) - LAST_TRANSACTION)) }));
    }
    const states = await latestStates(target, admin, stateTopic);
    // The deliveries in a state record are sealed as delivered: their keys are on the delivery topic's key topic.
    const keyRing = new SubjectKeyRing(target.kafka, [subjectKeyTopicOf(deliveryTopicOf(app, instanceKey, namespace))], keyRingGroupPrefixOf(group));
    await keyRing.start();
    const applied = await applyStates(target, [...states.values()], keyRing).finally(() => keyRing.stop());
    for (const [topic, partitions] of Object.entries(offsets)) await admin.setOffsets({ groupId: group, topic, partitions });
    return { stateTopic, subjects: states.size, ...applied, offsets };
  } finally {
    await admin.disconnect();
  }
}

async function refuseUnlessNew(target: ReplayTarget, admin: Admin, group: string): Promise<void> {
  const [{ applied }] = (await target.dataSource.query('select exists (select from regsync_inbox) as applied')) as { applied: boolean }[];
  if (applied) throw new Error(`${target.dataSource.options.database}: the database has applied events already; bootstrap only a new database`);
  const { groups } = await admin.describeGroups([group]);
  if ((groups[0]?.members.length ?? 0) > 0) throw new Error(`consumer group ${group} is active: stop the instance, then bootstrap`);
}

/** The latest record per subject, as compaction will leave it. */
async function latestStates(target: ReplayTarget, admin: Admin, stateTopic: string): Promise<Map<string, { partition: number; state: StateRecord }>> {
  const ranges = await resolveLogRange(admin, { topics: [stateTopic] });
  const latest = new Map<string, { partition: number; state: StateRecord }>();
  await readBoundedLog(target.kafka, ranges, {
    // A group the instance's own principal may use (broker-acls.ts), so the instance can bootstrap itself.
    groupPrefix: `${stateTopic}.bootstrap`,
    onChunk: async ({ partition, messages }) => {
      for (const message of messages) {
        const key = message.key?.toString();
        if (!key) continue;
        if (message.value === null) latest.delete(key);
        else latest.set(key, { partition, state: decodeStateRecord(message.value) });
      }
    },
  });
  return latest;
}

/** Each subject's deliveries as records of the delivery topic, in chunks of whole subjects, one transaction each. */
async function applyStates(target: ReplayTarget, states: readonly { partition: number; state: StateRecord }[], keyRing: SubjectKeyRing): Promise<Pick<BootstrapResult, 'deliveries' | 'outcomes'>> {
  const { app, instanceKey, namespace, level, admit } = target.messaging;
  const deliveryTopic = deliveryTopicOf(app, instanceKey, namespace);
  const applier = new ReplayApplier({ database: target.database, codec: target.codec, subjectKeys: keyRing.source, handlers: target.handlers, admit, level, instanceKey, retry: retryRouteOf(target.messaging) });
  const outcomes: Record<ReplayOutcome, number> = { applied: 0, gap_applied: 0, duplicate: 0, stale: 0, irrelevant: 0, rejected: 0, filtered: 0, erased: 0 };
  let deliveries = 0;
  const byPartition = new Map<number, StateRecord[]>();
  for (const { partition, state } of states) {
    if (!byPartition.has(partition)) byPartition.set(partition, []);
    byPartition.get(partition)!.push(state);
  }
  // Partitions at once, as the replay reads them: a subject's records are all on one partition.
  await Promise.all(
    [...byPartition].map(async ([partition, ofPartition]) => {
      let chunk: KafkaMessage[] = [];
      const flush = async () => {
        if (chunk.length === 0) return;
        const report = await applier.applyChunk(deliveryTopic, partition, chunk);
        for (const [outcome, count] of Object.entries(report.outcomes)) outcomes[outcome as ReplayOutcome] += count;
        chunk = [];
      };
      for (const state of ofPartition) {
        if (chunk.length > 0 && chunk.length + state.deliveries.length > CHUNK) await flush();
        // Offsets only tell the chunk's records apart: these records come from the state topic, not the delivery topic.
        chunk.push(...state.deliveries.map(({ headers, value }) => ({ key: Buffer.from(state.subject.id), value, headers, offset: String(deliveries++), timestamp: '0', attributes: 0 }) as KafkaMessage));
      }
      await flush();
    }),
  );
  return { deliveries, outcomes };
}
