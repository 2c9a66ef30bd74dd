import { KafkaMessage } from 'kafkajs';
import { deadLetterIdOf, deadLetterInfo, deadLetterRow } from './dead-letters';

const failure = { reasonCode: 'undecodable', reason: 'not in Confluent wire format', sourceTopic: 'regsync.deliveries.state-register.14', sourcePartition: 3, consumerGroup: 'regsync.state-register.14', attempts: 1 };

function message(offset: string, key: Buffer | null = Buffer.from('36574261809')): KafkaMessage {
  return { key, value: Buffer.from('garbage'), offset, timestamp: '0', attributes: 0, headers: { 'regsync-event-id': Buffer.from('e1'), 'regsync-dlq-reason-code': Buffer.from('old') } } as KafkaMessage;
}

describe('dead letters as outbox rows', () => {
  it('gives the same failure the same id, so recording it again after a crash adds no second dead letter', () => {
    const first = deadLetterRow('regsync.state-register.14.dlq', message('41'), 'NameChanged', failure);
    const again = deadLetterRow('regsync.state-register.14.dlq', message('41'), 'NameChanged', { ...failure, attempts: 5 });
    expect(again.id).toBe(first.id);
    expect(first.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives every other position or consumer group an id of its own', () => {
    const ids = new Set([
      deadLetterIdOf('regsync.state-register.14', 'topic', 3, '41'),
      deadLetterIdOf('regsync.state-register.14', 'topic', 3, '42'),
      deadLetterIdOf('regsync.state-register.14', 'topic', 4, '41'),
      deadLetterIdOf('regsync.state-register.14', 'other', 3, '41'),
      deadLetterIdOf('regsync.state-register.03', 'topic', 3, '41'),
    ]);
    expect(ids.size).toBe(5);
  });

  it('keeps the original key, bytes and headers, replaces earlier dead-letter headers, and says why and where it failed', () => {
    const row = deadLetterRow('regsync.state-register.14.dlq', message('41'), 'NameChanged', failure);
    expect({ key: row.key, value: row.value?.toString(), eventId: row.headers['regsync-event-id'] }).toEqual({ key: '36574261809', value: 'garbage', eventId: 'e1' });
    expect(deadLetterInfo({ headers: row.headers })).toMatchObject({ reasonCode: 'undecodable', sourceTopic: failure.sourceTopic, sourcePartition: 3, sourceOffset: '41', consumerGroup: failure.consumerGroup, attempts: 1 });
    expect(deadLetterRow('t', message('1', null), '?', failure).key).toBeNull();
  });
});
