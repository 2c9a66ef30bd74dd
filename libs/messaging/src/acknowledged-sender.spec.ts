import { Kafka, Partitioners, PartitionMetadata, ProducerBatch, RecordMetadata } from 'kafkajs';
import { AcknowledgedSender, UnacknowledgedPartitionsError, unacknowledgedPartitions } from './acknowledged-sender';

const TOPIC = 'regsync.person.v1';
const partitionsOf = (count: number): PartitionMetadata[] =>
  Array.from({ length: count }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: partitionId % 3, replicas: [0, 1, 2], isr: [0, 1, 2] }));

/** A cluster that knows the partition counts and counts how often it was asked. */
function clusterWith(counts: Record<string, number>) {
  const asked: string[][] = [];
  const kafka = {
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
        asked.push(topics);
        return { topics: topics.map((name) => ({ name, partitions: partitionsOf(counts[name]) })) };
      },
    }),
  } as unknown as Kafka;
  return { kafka, asked };
}

/** Acknowledges every partition it is sent to, except those in `drop` (what kafkajs#1303 does after a leader move). */
function producerThatDrops(drop: number[] = []) {
  const batches: ProducerBatch[] = [];
  return {
    batches,
    sendBatch: async (batch: ProducerBatch): Promise<RecordMetadata[]> => {
      batches.push(batch);
      const partitions = new Set(batch.topicMessages!.flatMap(({ topic, messages }) => messages.map(({ partition }) => `${topic}\u0000${partition}`)));
      return [...partitions]
        .map((entry) => entry.split('\u0000'))
        .filter(([, partition]) => !drop.includes(Number(partition)))
        .map(([topicName, partition]) => ({ topicName, partition: Number(partition), errorCode: 0, baseOffset: '0' }));
    },
  };
}

const messages = Array.from({ length: 60 }, (_, index) => ({ key: `idnr-${index}`, value: `move ${index}` }));

describe('AcknowledgedSender', () => {
  it('places every message where kafkajs’ default partitioner would and returns the acknowledgements', async () => {
    const { kafka } = clusterWith({ [TOPIC]: 6 });
    const producer = producerThatDrops();
    const acknowledged = await new AcknowledgedSender(kafka).sendBatch(producer, [{ topic: TOPIC, messages }]);

    const defaultPlacement = Partitioners.DefaultPartitioner();
    const sent = producer.batches[0].topicMessages![0].messages;
    expect(sent.map(({ partition }) => partition)).toEqual(messages.map((message) => defaultPlacement({ topic: TOPIC, partitionMetadata: partitionsOf(6), message })));
    expect(producer.batches[0].acks).toBe(-1);
    expect(new Set(acknowledged.map(({ partition }) => partition))).toEqual(new Set(sent.map(({ partition }) => partition)));
  });

  it('throws, naming the partitions, when kafkajs resolves a send without some of them', async () => {
    const { kafka } = clusterWith({ [TOPIC]: 6 });
    const sending = new AcknowledgedSender(kafka).sendBatch(producerThatDrops([2, 5]), [{ topic: TOPIC, messages }]);
    await expect(sending).rejects.toThrow(UnacknowledgedPartitionsError);
    await expect(sending).rejects.toThrow(`${TOPIC}[2], ${TOPIC}[5] did not acknowledge`);
  });

  it('reads each topic’s partitions once and keeps explicit partitions', async () => {
    const { kafka, asked } = clusterWith({ [TOPIC]: 6, progress: 1 });
    const sender = new AcknowledgedSender(kafka);
    const producer = producerThatDrops();
    await sender.sendBatch(producer, [{ topic: TOPIC, messages }, { topic: 'progress', messages: [{ key: 'relay', value: '{}' }] }]);
    await sender.sendBatch(producer, [{ topic: TOPIC, messages: [{ key: 'x', value: 'y', partition: 4 }] }]);
    expect(asked).toEqual([[TOPIC, 'progress']]);
    expect(producer.batches[1].topicMessages![0].messages[0].partition).toBe(4);
  });
});

describe('unacknowledgedPartitions', () => {
  it('counts an acknowledgement with an error code as missing', () => {
    const sent = [{ topic: 't', messages: [{ value: 'a', partition: 0 }, { value: 'b', partition: 1 }] }];
    expect(unacknowledgedPartitions(sent, [{ topicName: 't', partition: 0, errorCode: 0 }, { topicName: 't', partition: 1, errorCode: 7 }])).toEqual(['t[1]']);
    expect(unacknowledgedPartitions(sent, [{ topicName: 't', partition: 1, errorCode: 0 }, { topicName: 't', partition: 0, errorCode: 0 }])).toEqual([]);
  });
});
