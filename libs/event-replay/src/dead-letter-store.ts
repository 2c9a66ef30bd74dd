import { Kafka, KafkaMessage, Producer } from 'kafkajs';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { RegsyncEvent } from '@regsync/contracts/generated/events';
import { deadLetterTopicOf, redriveOutcomeTopicOf, KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import { DeadLetterInfo, RedrivenRecord, deadLetterInfo, redrive, RedriveOutcome, parseRedriveOutcome } from '@regsync/messaging/dead-letter-redrive';
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

/** What the consumer group reported, or `pending`: no report within the time watched. */
export type RedriveReportOutcome = RedriveOutcome | { kind: 'pending'; detail: string };

export interface RedriveReport {
  ref: string;
  eventId: string | null;
  sourceTopic: string;
  redriven: RedrivenRecord;
  outcome: RedriveReportOutcome;
}

const OUTCOME_POLL_MS = 500;

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
   * Re-drives each dead letter onto its group's retry topic (libs/messaging's `redrive`), then, when `waitMs` > 0,
   * reads the group's re-drive outcome topic for what it made of each re-driven record: applied, duplicate, dropped as
   * stale, held, ignored or dead-lettered again (the group writes that in the transaction of its inbox).
   */
  async redrive(producer: Producer, letters: readonly DeadLetterView[], waitMs: number): Promise<RedriveReport[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const outcomeTopics = [...new Set(letters.map((letter) => redriveOutcomeTopicOf(letter.info.consumerGroup)))];
      // Outcomes of these re-drives come after the present end of each outcome topic.
      let read = await this.outcomeRanges(admin, outcomeTopics, []);
      const redriven: RedrivenRecord[] = [];
      for (const letter of letters) redriven.push(await redrive(producer, letter.record));

      const positionOf = ({ topic, partition, offset }: { topic: string; partition: number; offset: string }) => `${topic}:${partition}:${offset}`;
      const awaited = new Set(redriven.map(positionOf));
      const outcomes = new Map<string, RedriveOutcome>();
      const deadline = Date.now() + waitMs;
      while (waitMs > 0 && outcomes.size < awaited.size) {
        const ranges = await this.outcomeRanges(admin, outcomeTopics, read);
        for (const { message } of await this.records(ranges.filter((range) => range.start !== range.end))) {
          const outcome = parseRedriveOutcome(message.value);
          if (outcome && awaited.has(positionOf(outcome.redriven))) outcomes.set(positionOf(outcome.redriven), outcome);
        }
        read = ranges.map((range) => ({ ...range, start: range.end }));
        if (outcomes.size === awaited.size || Date.now() >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, OUTCOME_POLL_MS));
      }
      return letters.map((letter, index) => ({
        ref: letter.ref,
        eventId: letter.eventId,
        sourceTopic: letter.info.sourceTopic,
        redriven: redriven[index],
        outcome: outcomes.get(positionOf(redriven[index])) ?? {
          kind: 'pending',
          detail: waitMs > 0 ? `${letter.info.consumerGroup} has reported no outcome within ${waitMs / 1000}s (is the service running?)` : 'not watched (--wait 0)',
        },
      }));
    } finally {
      await admin.disconnect();
    }
  }

  /** The part of each existing outcome topic after `previous` (ranges read before; a topic not read yet: from its start). */
  private async outcomeRanges(admin: ReturnType<Kafka['admin']>, topics: readonly string[], previous: readonly PartitionRange[]): Promise<PartitionRange[]> {
    const existing = new Set(await admin.listTopics());
    const ranges: PartitionRange[] = [];
    for (const topic of topics.filter((name) => existing.has(name))) ranges.push(...(await resolveAfter(admin, topic, previous.filter((range) => range.topic === topic))));
    return ranges;
  }

  private async read(ranges: readonly PartitionRange[]): Promise<DeadLetterView[]> {
    const records = await this.records(ranges);
    return Promise.all(records.map(({ topic, partition, message }) => this.view(`${topic}:${partition}:${message.offset}`, message)));
  }

  private async records(ranges: readonly PartitionRange[]): Promise<{ topic: string; partition: number; message: KafkaMessage }[]> {
    const records: { topic: string; partition: number; message: KafkaMessage }[] = [];
    await readBoundedLog(this.kafka, ranges, {
      groupPrefix: this.groupPrefix,
      partitionsConcurrently: 1,
      onChunk: async ({ topic, partition, messages }) => {
        records.push(...messages.map((message) => ({ topic, partition, message })));
      },
    });
    return records;
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
