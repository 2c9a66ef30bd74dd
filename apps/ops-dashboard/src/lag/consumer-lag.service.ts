import { Injectable } from '@nestjs/common';
import { isKeyRingGroup } from '@regsync/messaging/crypto-shredding';
import { KafkaConnection } from '../kafka/kafka-connection';

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Next offset the group will read; null when it never committed on this partition. */
  committedOffset: number | null;
  endOffset: number;
  lag: number;
}

export interface GroupLag {
  group: string;
  /** Kafka's group state: Stable, Empty (no live consumer), PreparingRebalance, ... */
  state: string;
  members: number;
  totalLag: number;
  partitions: PartitionLag[];
}

/**
 * The groups whose lag the dashboard shows: the namespace's, without the readers that commit nothing and would only
 * clutter the view (the dashboard's own, and the key ring of every service, one group per start).
 */
export function lagGroupsOf(groupIds: readonly string[], prefix: string): string[] {
  return groupIds.filter((groupId) => groupId.startsWith(prefix) && !groupId.startsWith(`${prefix}ops-dashboard.`) && !isKeyRingGroup(groupId)).sort();
}

/** Lag of every regsync consumer group, straight from Kafka: committed offsets against partition ends. */
@Injectable()
export class ConsumerLagService {
  constructor(private readonly connection: KafkaConnection) {}

  async groups(): Promise<GroupLag[]> {
    const admin = await this.connection.adminClient();
    const prefix = this.connection.prefix;
    const { groups } = await admin.listGroups();
    const groupIds = lagGroupsOf(
      groups.map((group) => group.groupId),
      prefix,
    );
    if (groupIds.length === 0) return [];
    const described = new Map((await admin.describeGroups(groupIds)).groups.map((group) => [group.groupId, group]));
    const ends = new Map<string, Promise<Array<{ partition: number; high: string; low: string }>>>();
    const endsOf = (topic: string) => {
      if (!ends.has(topic)) ends.set(topic, admin.fetchTopicOffsets(topic));
      return ends.get(topic)!;
    };
    return Promise.all(
      groupIds.map(async (group): Promise<GroupLag> => {
        const committed = await admin.fetchOffsets({ groupId: group });
        const partitions: PartitionLag[] = [];
        for (const topic of committed.filter((entry) => entry.partitions.some((partition) => Number(partition.offset) >= 0))) {
          const committedByPartition = new Map(topic.partitions.map((partition) => [partition.partition, Number(partition.offset)]));
          for (const end of (await endsOf(topic.topic)).sort((a, b) => a.partition - b.partition)) {
            const offset = committedByPartition.get(end.partition);
            const committedOffset = offset !== undefined && offset >= 0 ? offset : null;
            const endOffset = Number(end.high);
            partitions.push({ topic: topic.topic, partition: end.partition, committedOffset, endOffset, lag: Math.max(0, endOffset - (committedOffset ?? Number(end.low))) });
          }
        }
        const description = described.get(group);
        return { group, state: description?.state ?? 'Unknown', members: description?.members.length ?? 0, totalLag: partitions.reduce((sum, partition) => sum + partition.lag, 0), partitions };
      }),
    );
  }
}
