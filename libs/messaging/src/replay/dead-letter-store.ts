import { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { EventCodec } from '@regsync/contracts/event-codec';
import { RegsyncEvent } from '@regsync/contracts/generated/events';
import { deadLetterTopicOf } from '@regsync/contracts/topic-catalog';
import { DeadLetterInfo, deadLetterInfo, redrive, redriveTargetOf } from '../dead-letters';
import { KAFKA_HEADERS, headerText } from '@regsync/contracts/kafka-headers';
import { readBoundedLog } from './bounded-log-reader';
import { PartitionRange, resolveLogRange } from './log-range';

/** One dead letter as an operator reads it: where it is, why it failed, and the event (if it decodes at all). */
export interface DeadLetterView {
  /** `<dead-letter topic>:<partition>:<offset>`, what `show` and `redrive` take. */
  ref: string;
  info: DeadLetterInfo;
  eventType: string | null;
  eventId: string | null;
  subjectId: string | null;
  event: RegsyncEvent | null;
  decodeError: string | null;
  record: KafkaMessage;
}

export type RedriveOutcome =
  | { kind: 'processed'; detail: string }
  | { kind: 'dead-lettered-again'; ref: string; reasonCode: string; reason: string }
  | { kind: 'pending'; detail: string };

export interface RedriveReport {
  ref: string;
  eventId: string | null;
  sourceTopic: string;
  outcome: RedriveOutcome;
}

export function parseDeadLetterRef(ref: string): { topic: string; partition: number; offset: string } {
  const match = /^(.+):(\d+):(\d+)$/.exec(ref);
  if (!match) throw new Error(`dead letter "${ref}": expected <dead-letter topic>:<partition>:<offset>, as printed by dead-letters list`);
  return { topic: match[1], partition: Number(match[2]), offset: match[3] };
}

/** Reading dead letters never commits anything: the dead-letter topic is the record of what failed. */
export class DeadLetterStore {
  constructor(
    private readonly kafka: Kafka,
    private readonly codec: EventCodec,
    private readonly groupPrefix: string,
  ) {}

  async list(consumerGroup: string): Promise<DeadLetterView[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    let ranges: PartitionRange[];
    try {
      const topic = deadLetterTopicOf(consumerGroup);
      if (!(await admin.listTopics()).includes(topic)) return [];
      ranges = await resolveLogRange(admin, { topics: [topic] });
    } finally {
      await admin.disconnect();
    }
    return this.read(ranges);
  }

  async show(ref: string): Promise<DeadLetterView> {
    const { topic, partition, offset } = parseDeadLetterRef(ref);
    const [view] = await this.read([{ topic, partition, start: offset, end: String(BigInt(offset) + 1n) }]);
    if (!view) throw new Error(`dead letter ${ref}: no record at this offset (deleted by retention, or not yet written)`);
    return view;
  }

  /**
   * Produces each dead letter back to where its group reads it again (libs/messaging's `redrive`), then, when `waitMs` > 0,
   * watches the consumer group that dead-lettered it: once the group's committed offsets pass the re-driven
   * records, each is either dead-lettered again (with the new reason) or was processed (applied, or a no-op if
   * it had been applied meanwhile: the inbox decides).
   */
  async redrive(producer: Producer, letters: readonly DeadLetterView[], waitMs: number): Promise<RedriveReport[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const groups = [...new Set(letters.map((letter) => letter.info.consumerGroup))];
      const deadLetterEnds = new Map<string, PartitionRange[]>();
      for (const group of groups) {
        const topic = deadLetterTopicOf(group);
        deadLetterEnds.set(group, (await admin.listTopics()).includes(topic) ? await resolveLogRange(admin, { topics: [topic] }) : []);
      }
      const sourceTopics = [...new Set(letters.map((letter) => redriveTargetOf(letter.info, letter.record.headers).topic))];
      const before = new Map(await Promise.all(sourceTopics.map(async (topic) => [topic, await admin.fetchTopicOffsets(topic)] as const)));
      for (const letter of letters) await redrive(producer, letter.record);
      const after = new Map(await Promise.all(sourceTopics.map(async (topic) => [topic, await admin.fetchTopicOffsets(topic)] as const)));

      const reached = new Map<string, boolean>();
      const deadline = Date.now() + waitMs;
      for (const group of groups) {
        for (;;) {
          reached.set(group, await this.groupPassed(admin, group, sourceTopics, before, after));
          if (reached.get(group) || Date.now() >= deadline) break;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      const again = new Map<string, DeadLetterView>();
      for (const group of groups) {
        if (!reached.get(group)) continue;
        const newLetters = await this.read((await resolveAfter(admin, deadLetterTopicOf(group), deadLetterEnds.get(group) ?? [])));
        for (const view of newLetters) if (view.eventId) again.set(view.eventId, view);
      }
      return letters.map((letter) => {
        const redriven = letter.eventId ? again.get(letter.eventId) : undefined;
        const outcome: RedriveOutcome = redriven
          ? { kind: 'dead-lettered-again', ref: redriven.ref, reasonCode: redriven.info.reasonCode, reason: redriven.info.reason }
          : reached.get(letter.info.consumerGroup)
            ? { kind: 'processed', detail: `${letter.info.consumerGroup} consumed it without dead-lettering it` }
            : { kind: 'pending', detail: waitMs > 0 ? `${letter.info.consumerGroup} has not reached it within ${waitMs / 1000}s (is the service running?)` : 'not watched (--wait 0)' };
        return { ref: letter.ref, eventId: letter.eventId, sourceTopic: letter.info.sourceTopic, outcome };
      });
    } finally {
      await admin.disconnect();
    }
  }

  private async groupPassed(
    admin: ReturnType<Kafka['admin']>,
    group: string,
    topics: readonly string[],
    before: Map<string, { partition: number; high: string }[]>,
    after: Map<string, { partition: number; high: string }[]>,
  ): Promise<boolean> {
    const committed = await admin.fetchOffsets({ groupId: group, topics: [...topics] });
    for (const topic of topics) {
      for (const { partition, high } of after.get(topic) ?? []) {
        const old = before.get(topic)?.find((p) => p.partition === partition)?.high;
        if (old === high) continue;
        const offset = committed.find((t) => t.topic === topic)?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        if (BigInt(offset) < BigInt(high)) return false;
      }
    }
    return true;
  }

  private async read(ranges: readonly PartitionRange[]): Promise<DeadLetterView[]> {
    const records: { topic: string; partition: number; message: KafkaMessage }[] = [];
    await readBoundedLog(this.kafka, ranges, {
      groupPrefix: this.groupPrefix,
      partitionsConcurrently: 1,
      onChunk: async ({ topic, partition, messages }) => {
        records.push(...messages.map((message) => ({ topic, partition, message })));
      },
    });
    return Promise.all(records.map(({ topic, partition, message }) => this.view(`${topic}:${partition}:${message.offset}`, message)));
  }

  private async view(ref: string, record: KafkaMessage): Promise<DeadLetterView> {
    const info = deadLetterInfo(record);
    let event: RegsyncEvent | null = null;
    let decodeError: string | null = null;
    try {
      event = (await this.codec.decode(record.value)).event;
    } catch (error) {
      decodeError = (error as Error).message;
    }
    return {
      ref,
      info,
      eventType: event?.envelope.eventType ?? headerText(record.headers?.[KAFKA_HEADERS.eventType]) ?? null,
      eventId: event?.envelope.eventId ?? headerText(record.headers?.[KAFKA_HEADERS.eventId]) ?? null,
      subjectId: event?.envelope.subject.id ?? record.key?.toString() ?? null,
      event,
      decodeError,
      record,
    };
  }
}

/** The part of a topic written after `previous` (ranges captured earlier). */
async function resolveAfter(admin: ReturnType<Kafka['admin']>, topic: string, previous: readonly PartitionRange[]): Promise<PartitionRange[]> {
  const now = await resolveLogRange(admin, { topics: [topic] });
  return now.map((range) => ({ ...range, start: previous.find((p) => p.partition === range.partition)?.end ?? range.start }));
}
