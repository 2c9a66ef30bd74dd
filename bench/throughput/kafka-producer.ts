import { logLevel, type Message, type Producer } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { KAFKA_HEADERS } from '@regsync/contracts/topics';
import { BenchSpec, RoleReport } from './bench-spec';
import { moveEvent } from './move-workload';
import { residenceRegisteredEncoders } from './wire-size';
import { sendWorkload } from './workload-sender';
import { kafkaClient } from '@regsync/messaging/broker';

export const SENT_AT_HEADER = 'bench-sent-at';

/** Records per `send` (one transaction in raw-transactional): the ceiling batches as much as a client sensibly does. */
const RECORDS_PER_SEND = 500;

/** The headers the router puts on every delivery, with values of the same size. */
function deliveryHeaders(event: ReturnType<typeof moveEvent>): Record<string, string> {
  return {
    [KAFKA_HEADERS.eventType]: event.envelope.eventType,
    [KAFKA_HEADERS.eventId]: event.envelope.eventId,
    [KAFKA_HEADERS.correlationId]: event.envelope.correlationId,
    [KAFKA_HEADERS.traceparent]: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
    [KAFKA_HEADERS.recipientRegister]: 'LANDESMELDEREGISTER',
  };
}

/**
 * The sender of the raw ceilings (a) and the naive baseline (b): plain kafkajs, idempotent, acks=all, the event built
 * in memory (no database). (a) sends regsync's delivery records (Avro bytes and headers), without or with Kafka
 * transactions; (b) the JSON a NestJS ClientKafka would send.
 */
export async function runKafkaProducer(spec: BenchSpec): Promise<RoleReport> {
  const encoders = residenceRegisteredEncoders();
  const raw = spec.pipeline !== 'naive';
  const transactional = spec.pipeline === 'raw-transactional';
  // kafkajs logs the CONCURRENT_TRANSACTIONS answers it retries at ERROR; a failure that is not retried still throws.
  const kafka = kafkaClient(spec.kafka, { clientId: `${spec.namespace}-producer`, logLevel: transactional ? logLevel.NOTHING : logLevel.ERROR });
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    // The transactional settings of regsync's relay (outbox-relay.ts), its quick retry of CONCURRENT_TRANSACTIONS included.
    ...(transactional
      ? { transactionalId: `${spec.namespace}.bench.raw-transactional`, maxInFlightRequests: 1, transactionTimeout: 30_000, retry: { initialRetryTime: 20, retries: Number.MAX_SAFE_INTEGER } }
      : {}),
  });
  await producer.connect();
  const send = transactional ? inTransactions(producer, spec.topic) : (messages: Message[]) => producer.send({ topic: spec.topic, acks: -1, messages });
  try {
    return await sendWorkload(spec, RECORDS_PER_SEND, 4, async (moves, sentAt) => {
      await send(
        moves.map((move) => {
          const event = moveEvent(move, sentAt);
          const sentAtHeader = { [SENT_AT_HEADER]: String(sentAt.getTime()) };
          return raw
            ? { key: move.idnr, value: encoders.avro(event), headers: { ...deliveryHeaders(event), ...sentAtHeader } }
            : { key: move.idnr, value: encoders.json(event), headers: sentAtHeader };
        }),
      );
    });
  } finally {
    await producer.disconnect();
  }
}

/**
 * One Kafka transaction at a time (a transactional producer allows no more), each with every record that queued while
 * the previous one ran, as regsync's relay takes its whole backlog: so a fixed rate of single records does not turn into
 * a queue of one-record transactions.
 */
function inTransactions(producer: Producer, topic: string): (messages: Message[]) => Promise<void> {
  let queued: { messages: Message[]; settle: (error?: unknown) => void }[] = [];
  let running = false;
  const drain = async () => {
    running = true;
    while (queued.length > 0) {
      const batch = queued;
      queued = [];
      try {
        const transaction = await producer.transaction();
        try {
          await transaction.send({ topic, acks: -1, messages: batch.flatMap((entry) => entry.messages) });
          await transaction.commit();
        } catch (error) {
          await transaction.abort();
          throw error;
        }
        for (const entry of batch) entry.settle();
      } catch (error) {
        for (const entry of batch) entry.settle(error);
      }
    }
    running = false;
  };
  return (messages) =>
    new Promise<void>((resolve, reject) => {
      queued.push({ messages, settle: (error) => (error === undefined ? resolve() : reject(error as Error)) });
      if (!running) void drain();
    });
}
