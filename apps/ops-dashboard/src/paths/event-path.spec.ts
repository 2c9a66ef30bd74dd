import fc from 'fast-check';
import { consumerGroupOf, deliveryTopicOf, outgoingTopicOf, redriveTopicOf } from '@regsync/contracts/topics';
import type { TracedEvent } from '../kafka/topic-tail.service';
import { eventPathWithoutPersonalData } from '../auth/personal-data';
import { DeadLetterFact, GroupOffsets, PathFacts, eventPathsOf } from './event-path';

const namespace = 'ns';
const sentTopic = outgoingTopicOf('municipal-register', '14612000', namespace);
const leipzig = deliveryTopicOf('municipal-register', '14713000', namespace);
const sachsen = deliveryTopicOf('state-register', '14', namespace);
const bzst = deliveryTopicOf('federal-register', 'DE', namespace);
const routerGroup = consumerGroupOf('router', 'main', namespace);

function record(topic: string, offset: number, extra: Partial<TracedEvent> = {}, eventId = 'e-1'): TracedEvent {
  return {
    topic,
    partition: 2,
    offset: String(offset),
    timestamp: `2026-01-05T09:30:0${offset % 10}.000Z`,
    key: '36574261809',
    eventType: 'ResidenceRegistered',
    correlationId: 'c-1',
    summary: {
      eventType: 'ResidenceRegistered',
      eventId,
      correlationId: 'c-1',
      causationId: null,
      occurredAt: '2026-01-05T09:29:00.000Z',
      source: { level: 'MUNICIPAL', instanceKey: '14612000', register: 'MELDEREGISTER' },
      subject: { kind: 'PERSON', id: '36574261809' },
      subjectVersion: 1,
    },
    ...extra,
  };
}

function committed(group: string, topic: string, offset: number): GroupOffsets {
  return { group, partitions: [{ topic, partition: 2, committedOffset: offset }] };
}

function deadLetter(sourceTopic: string, sourceOffset: number, consumerGroup: string, reasonCode = 'not-authoritative'): DeadLetterFact {
  return { id: `${consumerGroup}.dlq/0/0`, reasonCode, reason: `${reasonCode}: about 36574261809`, failedAt: '2026-01-05T09:31:00.000Z', consumerGroup, redriven: false, sourceTopic, sourcePartition: 2, sourceOffset: String(sourceOffset) };
}

const routed: PathFacts = {
  namespace,
  records: [
    record(sentTopic, 7),
    record(leipzig, 3, { recipientRegister: 'MELDEREGISTER' }),
    record(sachsen, 4, { recipientRegister: 'LANDESMELDEREGISTER' }),
    record(bzst, 5, { recipientRegister: 'IDNR_BASISDATEN' }),
  ],
  deadLetters: [deadLetter(bzst, 5, consumerGroupOf('federal-register', 'DE', namespace), 'implausible')],
  groups: [committed(routerGroup, sentTopic, 8), committed(consumerGroupOf('state-register', '14', namespace), sachsen, 5), committed(consumerGroupOf('municipal-register', '14713000', namespace), leipzig, 3)],
};

describe('eventPathsOf', () => {
  it("lists the router's recipients with the catalog's route and each delivery's state", () => {
    const [path] = eventPathsOf(routed);
    expect(path).toMatchObject({ eventId: 'e-1', eventType: 'ResidenceRegistered', sent: { topic: sentTopic, offset: '7' }, router: { state: 'routed', readBy: [routerGroup] } });
    expect(path.recipients.map((recipient) => [recipient.app, recipient.instanceKey, recipient.register, recipient.state])).toEqual([
      ['municipal-register', '14713000', 'MELDEREGISTER', 'delivered'],
      ['state-register', '14', 'LANDESMELDEREGISTER', 'applied'],
      ['federal-register', 'DE', 'IDNR_BASISDATEN', 'dead-lettered'],
    ]);
    expect(path.recipients[0].route).toMatchObject({ legalBasis: '§ 33 Abs. 1 BMG', fields: expect.arrayContaining(['previousAddress', 'dwellingStatus']) });
    expect(path.recipients[2]).toMatchObject({ deadLetter: { reasonCode: 'implausible' }, delivery: { at: '2026-01-05T09:30:05.000Z' } });
  });

  it("names each authority a provider's shared delivery topic carries a record for, with the provider's consumer group", () => {
    const provider = deliveryTopicOf('municipal-register', 'kommunal1', namespace);
    const [path] = eventPathsOf({
      namespace,
      records: [record(sentTopic, 7), record(provider, 3, { recipientRegister: 'MELDEREGISTER', recipientAuthority: '14713000' }), record(provider, 4, { recipientRegister: 'MELDEREGISTER', recipientAuthority: '14612000' })],
      deadLetters: [],
      groups: [committed(routerGroup, sentTopic, 8), committed(consumerGroupOf('municipal-register', 'kommunal1', namespace), provider, 4)],
    });
    expect(path.recipients.map((recipient) => [recipient.instanceKey, recipient.register, recipient.state])).toEqual([
      ['14612000', 'MELDEREGISTER', 'delivered'],
      ['14713000', 'MELDEREGISTER', 'applied'],
    ]);
  });

  it('says pending while no router has read past the sent record, and dead-lettered with the reason when the router refused it', () => {
    const sent = record(sentTopic, 7);
    expect(eventPathsOf({ namespace, records: [sent], deadLetters: [], groups: [committed(routerGroup, sentTopic, 7)] })[0]).toMatchObject({ router: { state: 'pending', readBy: [] }, recipients: [] });
    const refused = eventPathsOf({ namespace, records: [sent], deadLetters: [deadLetter(sentTopic, 7, routerGroup)], groups: [committed(routerGroup, sentTopic, 8)] })[0];
    expect(refused).toMatchObject({ router: { state: 'dead-lettered', deadLetter: { reasonCode: 'not-authoritative', consumerGroup: routerGroup } }, recipients: [] });
  });

  it('follows the re-driven copy of a dead-lettered delivery', () => {
    const facts: PathFacts = {
      namespace,
      records: [record(sentTopic, 7), record(bzst, 5, { recipientRegister: 'IDNR_BASISDATEN' }), record(bzst, 9, { recipientRegister: 'IDNR_BASISDATEN' })],
      deadLetters: [{ ...deadLetter(bzst, 5, consumerGroupOf('federal-register', 'DE', namespace)), redriven: true }],
      groups: [committed(consumerGroupOf('federal-register', 'DE', namespace), bzst, 10)],
    };
    expect(eventPathsOf(facts)[0].recipients).toEqual([expect.objectContaining({ state: 'applied', records: 2, delivery: expect.objectContaining({ offset: '9' }) })]);
  });

  it("follows the re-driven copy on the recipient group's retry topic, as a delivery to the topic it names", () => {
    const bzstGroup = consumerGroupOf('federal-register', 'DE', namespace);
    const retryTopic = redriveTopicOf(bzstGroup);
    const redriven = record(retryTopic, 0, { recipientRegister: 'IDNR_BASISDATEN', sentOnTopic: bzst, timestamp: '2026-01-05T09:40:00.000Z' });
    const facts: PathFacts = {
      namespace,
      records: [record(sentTopic, 7), record(bzst, 5, { recipientRegister: 'IDNR_BASISDATEN' }), redriven],
      deadLetters: [{ ...deadLetter(bzst, 5, bzstGroup), redriven: true }],
      groups: [{ group: bzstGroup, partitions: [{ topic: bzst, partition: 2, committedOffset: 6 }] }],
    };
    expect(eventPathsOf(facts)[0].recipients).toEqual([expect.objectContaining({ app: 'federal-register', instanceKey: 'DE', state: 'delivered', records: 2, delivery: expect.objectContaining({ topic: retryTopic, offset: '0' }) })]);
    const applied = { ...facts, groups: [{ group: bzstGroup, partitions: [...facts.groups[0].partitions, { topic: retryTopic, partition: 2, committedOffset: 1 }] }] };
    expect(eventPathsOf(applied)[0].recipients).toEqual([expect.objectContaining({ state: 'applied', records: 2 })]);
    const again = { ...applied, deadLetters: [...applied.deadLetters, deadLetter(retryTopic, 0, bzstGroup, 'implausible')] };
    expect(eventPathsOf(again)[0].recipients).toEqual([expect.objectContaining({ state: 'dead-lettered', deadLetter: expect.objectContaining({ reasonCode: 'implausible' }) })]);
  });

  it('gives one path per event, in the order the events occurred, whatever the order the records were indexed in', () => {
    const second = [record(sentTopic, 11, {}, 'e-2'), record(sachsen, 12, { recipientRegister: 'LANDESMELDEREGISTER' }, 'e-2')].map((later) => ({ ...later, summary: { ...later.summary!, occurredAt: '2026-01-05T10:00:00.000Z' } }));
    const all = [...routed.records, ...second];
    const expected = eventPathsOf({ ...routed, records: all });
    expect(expected.map((path) => [path.eventId, path.recipients.length])).toEqual([
      ['e-1', 3],
      ['e-2', 1],
    ]);
    fc.assert(fc.property(fc.shuffledSubarray(all, { minLength: all.length }), (shuffled) => expect(eventPathsOf({ ...routed, records: shuffled })).toEqual(expected)));
  });

  it('masks the subject and the IdNrs a dead-letter reason quotes for a person without data-viewer', () => {
    const masked = JSON.stringify(eventPathsOf(routed).map(eventPathWithoutPersonalData));
    expect(masked).not.toContain('36574261809');
    expect(masked).toContain('36•••••••09');
  });
});
