import { logLevel } from 'kafkajs';
import { ApplyMeter } from './apply-meter';
import { BenchSpec, RoleReport } from './bench-spec';
import { SENT_AT_HEADER } from './kafka-producer';
import { kafkaClient } from '@regsync/messaging/broker';

/** The ceiling (a): a kafkajs consumer that only counts; no decoding, no database. */
export async function runRawKafkaConsumer(spec: BenchSpec): Promise<RoleReport> {
  const meter = new ApplyMeter(spec);
  const kafka = kafkaClient(spec.kafka, { clientId: `${spec.namespace}-consumer`, logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId: `${spec.namespace}.bench.raw` });
  await consumer.connect();
  await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) meter.record(Number(message.headers?.[SENT_AT_HEADER]?.toString()));
    },
  });
  const report = await meter.done;
  await consumer.disconnect();
  return report;
}
