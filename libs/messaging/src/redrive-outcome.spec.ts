import { KafkaMessage } from 'kafkajs';
import { RecordResult } from './batch-applier';
import { deadLetterIdOf } from './dead-letters';
import { describeRedriveOutcome, parseRedriveOutcome, redriveOutcomeOf, redriveOutcomeRow } from './redrive-outcome';

const group = 'regsync.state-register.14';
const retryTopic = `${group}.redrive`;
const redriven = { key: Buffer.from('36574261809'), value: Buffer.from('event'), offset: '7', timestamp: '0', attributes: 0, headers: { 'regsync-event-id': Buffer.from('e1'), 'regsync-redrive-of': Buffer.from('dl-1') } } as KafkaMessage;
const outcomeOf = (result: RecordResult) => redriveOutcomeOf(group, retryTopic, 2, redriven, result);

describe('the outcome of a re-driven dead letter', () => {
  it('reports an event its subject had moved past as dropped as stale, with both versions, never as applied', () => {
    const outcome = outcomeOf({ kind: 'done', outcome: 'stale', eventType: 'MovedOut', previousVersion: 5 });
    expect(outcome).toMatchObject({ deadLetterId: 'dl-1', consumerGroup: group, redriven: { topic: retryTopic, partition: 2, offset: '7' }, eventId: 'e1', kind: 'dropped-as-stale', previousVersion: 5 });
    expect(describeRedriveOutcome({ ...outcome, subjectVersion: 3 })).toBe('DROPPED AS STALE: its subject had moved past it (version 3, applied before: 5), not applied');
  });

  it('tells applied, duplicate and ignored apart', () => {
    expect(outcomeOf({ kind: 'done', outcome: 'applied', eventType: 'MovedOut', previousVersion: null }).kind).toBe('applied');
    expect(outcomeOf({ kind: 'done', outcome: 'gap_applied', eventType: 'MovedOut', previousVersion: 1 }).kind).toBe('applied');
    expect(outcomeOf({ kind: 'done', outcome: 'duplicate', eventType: 'MovedOut' }).kind).toBe('duplicate');
    expect(outcomeOf({ kind: 'done', outcome: 'irrelevant', eventType: 'MovedOut' }).kind).toBe('ignored');
  });

  it('reports a rejection as dead-lettered again, with the reason and the id the new dead letter gets', () => {
    expect(outcomeOf({ kind: 'rejected', eventType: 'MovedOut', code: 'not-addressed', reason: 'no register of this instance' })).toMatchObject({
      kind: 'dead-lettered-again',
      reasonCode: 'not-addressed',
      reason: 'no register of this instance',
      newDeadLetterId: deadLetterIdOf(group, retryTopic, 2, '7'),
    });
  });

  it('is one outbox row per re-driven record, keyed by the dead letter, that reads back as it was written', () => {
    const outcome = outcomeOf({ kind: 'done', outcome: 'applied', eventType: 'MovedOut', previousVersion: null });
    const row = redriveOutcomeRow(`${group}.redrive-outcomes`, outcome);
    expect(redriveOutcomeRow(`${group}.redrive-outcomes`, { ...outcome, decidedAt: 'later' }).id).toBe(row.id);
    expect(redriveOutcomeRow(`${group}.redrive-outcomes`, { ...outcome, redriven: { ...outcome.redriven, offset: '8' } }).id).not.toBe(row.id);
    expect(row.key).toBe('dl-1');
    expect(parseRedriveOutcome(row.value)).toEqual(outcome);
    expect(parseRedriveOutcome(Buffer.from('not json'))).toBeUndefined();
  });
});
