import { KafkaMessage } from 'kafkajs';
import { sampleEvent } from '@regsync/contracts/sample-events';
import { deadLetterIdOf, deadLetterInfo, deadLetterRow, reasonWithoutContent, redriveTargetOf } from './dead-letters';

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

describe('re-drive target', () => {
  const failedOnDelivery = { ...failure, sourceOffset: '41' };

  it("sends every dead letter to its group's retry topic, naming the topic it was first read from and the dead letter", () => {
    const { topic, headers } = redriveTargetOf(failedOnDelivery, message('41').headers);
    expect(topic).toBe('regsync.state-register.14.redrive');
    expect(headers).toEqual({
      'regsync-event-id': Buffer.from('e1'),
      'regsync-sent-on-topic': 'regsync.deliveries.state-register.14',
      'regsync-redrive-of': deadLetterIdOf(failure.consumerGroup, failure.sourceTopic, 3, '41'),
    });
  });

  it('keeps the topic a record that failed on the retry topic names, and names the new dead letter', () => {
    const retried = { ...failedOnDelivery, sourceTopic: 'regsync.state-register.14.redrive', sourcePartition: 0, sourceOffset: '7' };
    const { topic, headers } = redriveTargetOf(retried, { 'regsync-sent-on-topic': Buffer.from('regsync.deliveries.state-register.14'), 'regsync-redrive-of': Buffer.from('the first dead letter') });
    expect(topic).toBe('regsync.state-register.14.redrive');
    expect(headers).toEqual({ 'regsync-sent-on-topic': 'regsync.deliveries.state-register.14', 'regsync-redrive-of': deadLetterIdOf(failure.consumerGroup, retried.sourceTopic, 0, '7') });
  });

  it('refuses a dead letter that names no consumer group', () => {
    expect(() => redriveTargetOf({ ...failedOnDelivery, consumerGroup: '' }, {})).toThrow(/no regsync-dlq-consumer-group/);
  });
});

describe('the reason a sealed event is dead-lettered for', () => {
  it("names field and rule, none of the event's values: dates, names, numbers", () => {
    const event = sampleEvent('ResidenceRegistered', {}, { familyName: 'Zwetschgenbaum', dateOfBirth: new Date(Date.UTC(1984, 6, 2)), movedInOn: new Date(Date.UTC(1970, 0, 1)) });
    // the consumers' plausibility rule (transfer-admission.ts) for this event
    expect(reasonWithoutContent('movedInOn: 1970-01-01 is before the date of birth 1984-07-02', event)).toBe('movedInOn: … is before the date of birth …');
    expect(reasonWithoutContent('familyName: Zwetschgenbaum, 49074 Osnabrück, position 3', { ...event, address: { ...event.address, postalCode: '49074' } })).toBe('familyName: …, … …, position 3');
  });
});
