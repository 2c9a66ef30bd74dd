import { logLevel } from 'kafkajs';
import { BenchSpec, RoleReport } from './bench-spec';
import { moveEvent } from './move-workload';
import { residenceRegisteredEncoders } from './wire-size';
import { sendWorkload } from './workload-sender';
import { kafkaClient } from '@regsync/messaging/kafka-client';

export const SENT_AT_HEADER = 'bench-sent-at';

/**
 * The sender of the raw ceiling (a) and the naive baseline (b): plain kafkajs, acks=all, the event built in memory
 * (no database). (a) sends the regsync wire bytes, (b) the JSON a NestJS ClientKafka would send.
 */
export async function runKafkaProducer(spec: BenchSpec): Promise<RoleReport> {
  const encoders = residenceRegisteredEncoders();
  const encode = spec.pipeline === 'raw' ? encoders.avro : encoders.json;
  const kafka = kafkaClient(spec.kafka, { clientId: `${spec.namespace}-producer`, logLevel: logLevel.ERROR });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    return await sendWorkload(spec, 500, 4, async (moves, sentAt) => {
      await producer.send({
        topic: spec.topic,
        acks: -1,
        messages: moves.map((move) => ({ key: move.idnr, value: encode(moveEvent(move, sentAt)), headers: { [SENT_AT_HEADER]: String(sentAt.getTime()) } })),
      });
    });
  } finally {
    await producer.disconnect();
  }
}
