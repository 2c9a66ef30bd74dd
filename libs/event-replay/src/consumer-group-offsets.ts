import { Admin } from 'kafkajs';

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Next offset the group reads; null when it never committed on this partition. */
  committed: string | null;
  low: string;
  high: string;
  lag: number;
}

export interface GroupLag {
  group: string;
  /** Kafka's group state: Stable (members consuming), Empty (no members), Dead (unknown group), … */
  state: string;
  members: number;
  partitions: PartitionLag[];
  totalLag: number;
}

export type OffsetTarget = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'datetime'; at: Date } | { kind: 'offset'; offset: bigint };

export interface OffsetResetStep {
  topic: string;
  partition: number;
  current: string | null;
  target: string;
}

/** Reading a group's offsets on partitions it never committed: kafkajs reports -1. */
const NO_OFFSET = '-1';

export async function groupLag(admin: Admin, group: string, topics?: readonly string[]): Promise<GroupLag> {
  const { groups } = await admin.describeGroups([group]);
  const description = groups[0];
  const committed = await committedOffsets(admin, group, topics);
  const partitions: PartitionLag[] = [];
  for (const [topic, offsets] of committed) {
    for (const { partition, low, high } of (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition)) {
      const current = offsets.get(partition) ?? null;
      const position = current === null ? BigInt(low) : BigInt(current);
      partitions.push({ topic, partition, committed: current, low, high, lag: Number(BigInt(high) - (position > BigInt(high) ? BigInt(high) : position)) });
    }
  }
  return { group, state: description?.state ?? 'Unknown', members: description?.members.length ?? 0, partitions, totalLag: partitions.reduce((sum, p) => sum + p.lag, 0) };
}

/**
 * Where each partition would be reset to, like `kafka-consumer-groups --reset-offsets` without `--execute`:
 * the topics the group has offsets on (or `topics`), each offset clamped into the partition's retained range.
 */
export async function planOffsetReset(admin: Admin, group: string, target: OffsetTarget, topics?: readonly string[]): Promise<OffsetResetStep[]> {
  const committed = await committedOffsets(admin, group, topics);
  const steps: OffsetResetStep[] = [];
  for (const [topic, offsets] of committed) {
    const bounds = await admin.fetchTopicOffsets(topic);
    const byTime = target.kind === 'datetime' ? new Map((await admin.fetchTopicOffsetsByTimestamp(topic, target.at.getTime())).map((o) => [o.partition, o.offset])) : undefined;
    for (const { partition, low, high } of bounds.sort((a, b) => a.partition - b.partition)) {
      let wanted: bigint;
      switch (target.kind) {
        case 'earliest':
          wanted = BigInt(low);
          break;
        case 'latest':
          wanted = BigInt(high);
          break;
        case 'datetime':
          wanted = BigInt(byTime?.get(partition) ?? high);
          break;
        case 'offset':
          wanted = target.offset;
      }
      const clamped = wanted < BigInt(low) ? BigInt(low) : wanted > BigInt(high) ? BigInt(high) : wanted;
      steps.push({ topic, partition, current: offsets.get(partition) ?? null, target: String(clamped) });
    }
  }
  return steps;
}

export class GroupActiveError extends Error {}

/** Commits the plan for the group; Kafka only allows it while no member consumes, so stop the service first. */
export async function executeOffsetReset(admin: Admin, group: string, steps: readonly OffsetResetStep[]): Promise<void> {
  const { groups } = await admin.describeGroups([group]);
  const state = groups[0]?.state;
  if (groups[0] && groups[0].members.length > 0) {
    throw new GroupActiveError(`consumer group ${group} is ${state} with ${groups[0].members.length} member(s); stop the service instance, then reset its offsets`);
  }
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const step of steps) byTopic.set(step.topic, [...(byTopic.get(step.topic) ?? []), { partition: step.partition, offset: step.target }]);
  for (const [topic, partitions] of byTopic) await admin.setOffsets({ groupId: group, topic, partitions });
}

async function committedOffsets(admin: Admin, group: string, topics?: readonly string[]): Promise<Map<string, Map<number, string>>> {
  const fetched = await admin.fetchOffsets({ groupId: group, ...(topics?.length ? { topics: [...topics] } : {}) });
  const result = new Map<string, Map<number, string>>();
  for (const { topic, partitions } of fetched) {
    result.set(topic, new Map(partitions.filter((p) => p.offset !== NO_OFFSET).map((p) => [p.partition, p.offset])));
  }
  return result;
}
