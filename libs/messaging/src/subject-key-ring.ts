import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Admin, Consumer, Kafka } from 'kafkajs';
import type { SubjectKeySource } from '@regsync/contracts/event-encoding';
import { isSnapshotKeyId } from './snapshot-sealing';

/** The consumer groups of the key ring of `group`'s reader start with this; each start adds a random UUID. */
export function keyRingGroupPrefixOf(group: string): string {
  return `${group}.keys.`;
}

const KEY_RING_GROUP = /\.keys\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `groupId` is a key ring's own group (keyRingGroupPrefixOf + UUID): it commits nothing and has no lag to show. */
export function isKeyRingGroup(groupId: string): boolean {
  return KEY_RING_GROUP.test(groupId);
}

/**
 * The key topics cannot be read (the reader crashed or stopped), or a key is not visible on them yet: wait and retry, as
 * for any infrastructure fault.
 */
export class SubjectKeysUnavailableError extends Error {}

/**
 * How long after a record was written a key it names may still be invisible to a read_committed reader: a key travels
 * in the transaction of the event, whose commit markers reach the partitions one by one, so the event's partition can
 * be committed while the key's still ends before the key (its last stable offset). Markers take milliseconds; a
 * partition without a leader holds them back until it has one again.
 */
export const KEY_VISIBILITY_GRACE_MS = 60_000;

/**
 * The subject keys a reader may use: every record of the key topics of the topics it reads (subjectKeyTopicOf), kept in
 * memory by key id, a tombstone removing the key. A key is written to its key topic in the same Kafka transaction as
 * the first event sealed with it, or an earlier one. A key missing once this reader has read the key topics to their
 * end is erased when its tombstone was read, or when the end was fetched KEY_VISIBILITY_GRACE_MS after the record
 * naming it was written (its tombstone may be compacted away); before that it is unavailable, not erased: the record
 * waits instead of being skipped. (The end read is not exact either: kafkajs reports a batch a read_committed fetch
 * returned empty, e.g. before an open transaction, as ending at the high watermark.)
 * Reads with a consumer group of its own (`<groupPrefix><random UUID>`, groupPrefix from keyRingGroupPrefixOf, never committed, deleted at stop), from the start
 * at every start.
 */
export class SubjectKeyRing {
  private readonly logger = new Logger(SubjectKeyRing.name);
  private readonly keys = new Map<string, Buffer>();
  /** Key ids whose tombstone this reader read: erased for sure, however recent the record naming them. */
  private readonly tombstoned = new Set<string>();
  /** Next offset to read per `topic:partition`. */
  private readonly positions = new Map<string, bigint>();
  private readonly waiters = new Set<() => void>();
  private consumer?: Consumer;
  private admin?: Admin;
  private groupId?: string;
  private failure?: Error;
  private markStarted!: () => void;
  private readonly started = new Promise<void>((resolve) => (this.markStarted = resolve));

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: readonly string[],
    private readonly groupPrefix: string,
  ) {}

  async start(): Promise<void> {
    this.groupId = `${this.groupPrefix}${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId: this.groupId, readUncommitted: false, allowAutoTopicCreation: false });
    this.consumer = consumer;
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => this.advance(payload.topic, payload.partition, payload.lastOffset));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // After a retriable error kafkajs starts the consumer again: readers wait for it. Only a crash it does not
      // recover from fails them (before, any crash did, for good, so every unknown key was "unavailable" from then on).
      if (payload.restart) {
        this.logger.warn(`subject key topics: reader restarting after: ${payload.error.message}`);
        return;
      }
      this.failure = payload.error;
      this.logger.error(`subject key topics: reader crashed: ${payload.error.message}`);
      this.notify();
    });
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const keyId = message.key?.toString();
          // A register's snapshot keys share its outgoing key topic; only a snapshot load uses them.
          if (!keyId || isSnapshotKeyId(keyId)) continue;
          if (message.value && message.value.length > 0) {
            this.keys.set(keyId, message.value);
            this.tombstoned.delete(keyId);
          } else {
            this.keys.delete(keyId);
            this.tombstoned.add(keyId);
          }
        }
        this.advance(batch.topic, batch.partition, batch.lastOffset());
      },
    });
    this.markStarted();
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    // an empty group without offsets expires on its own, should this fail
    if (this.groupId) await this.admin?.deleteGroups([this.groupId]).catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
    this.failure = new Error('subject key topics: reader stopped');
    this.notify();
  }

  /**
   * For EventCodec.decode: the key, read up to the key topics' current end when it is not known yet; undefined when
   * erased. Throws SubjectKeysUnavailableError for a key of a record written (`sentAt`) too recently to be sure.
   */
  readonly source: SubjectKeySource = async (keyId, sentAt) => {
    const known = this.keys.get(keyId);
    if (known) return known;
    const endsFetchedAt = Date.now();
    await this.readToEnd();
    const key = this.keys.get(keyId);
    if (key || this.tombstoned.has(keyId) || sentAt === undefined || endsFetchedAt >= sentAt + KEY_VISIBILITY_GRACE_MS) return key;
    throw new SubjectKeysUnavailableError(`subject key ${keyId} is not visible on its key topic yet (the commit marker of its transaction may still be on its way)`);
  };

  /** Waits until every partition of the key topics has been read up to the end it has now. */
  private async readToEnd(): Promise<void> {
    await this.started;
    const admin = this.admin!;
    const ends = (await Promise.all(this.topics.map(async (topic) => (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({ key: `${topic}:${partition}`, end: BigInt(high) }))))).flat();
    const caughtUp = () => ends.every(({ key, end }) => end === 0n || (this.positions.get(key) ?? 0n) >= end);
    while (!caughtUp()) {
      if (this.failure) throw new SubjectKeysUnavailableError(this.failure.message);
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  private advance(topic: string, partition: number, lastOffset: string): void {
    const key = `${topic}:${partition}`;
    const next = BigInt(lastOffset) + 1n;
    if (next > (this.positions.get(key) ?? 0n)) this.positions.set(key, next);
    this.notify();
  }

  private notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const resolve of waiters) resolve();
  }
}
