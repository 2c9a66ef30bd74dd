import { EVENT_TYPES } from './generated/events';
import { latestSchemas } from './event-schemas';
import fc from 'fast-check';
import { consumerGroupOf, deadLetterTopicOf, deliveryTopicOf, deliveryTopicReader, EVENT_TOPICS, namespaced, outgoingTopicOf, outgoingTopicOwner, providerIndexOf, redriveOutcomeTopicOf, redriveTopicOf, registerProcessTopics, registrySubjectOf, stateRecordKeyOf, topicOf } from './topic-catalog';

describe('topic catalog', () => {
  it('puts every event type on exactly one topic', () => {
    const carried = Object.values(EVENT_TOPICS).flatMap((topic) => [...topic.eventTypes]);
    expect([...carried].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('puts every event on the topic of its schema namespace, so one subject shares one topic', () => {
    for (const schema of latestSchemas().values()) {
      expect(topicOf(schema.eventType).schemaNamespace).toBe(schema.schema.namespace);
    }
  });

  it('derives namespaced topics, consumer groups, dead-letter topics and registry subjects', () => {
    expect(namespaced(EVENT_TOPICS.person.name, 'e2e1')).toBe('e2e1.regsync.person.events.v1');
    expect(namespaced(EVENT_TOPICS.person.name)).toBe('regsync.person.events.v1');
    expect(consumerGroupOf('municipal-register', '03404000')).toBe('regsync.municipal-register.03404000');
    expect(deadLetterTopicOf('regsync.state-register.14')).toBe('regsync.state-register.14.dlq');
    expect(registrySubjectOf('MovedOut', 'de.regsync.person.MovedOut')).toBe('regsync.person.events.v1-de.regsync.person.MovedOut');
  });

  it("names each instance's outgoing and delivery topic, namespaced like every topic", () => {
    expect(outgoingTopicOf('municipal-register', '03404000')).toBe('regsync.out.municipal-register.03404000');
    expect(outgoingTopicOf('state-register', '14', 'e2e1')).toBe('e2e1.regsync.out.state-register.14');
    expect(deliveryTopicOf('federal-register', 'DE')).toBe('regsync.deliveries.federal-register.DE');
    expect(deliveryTopicOf('municipal-register', '14612000', 'e2e1')).toBe('e2e1.regsync.deliveries.municipal-register.14612000');
  });

  it('tells the owner of an outgoing topic of the namespace, and no owner for any other topic', () => {
    expect(outgoingTopicOwner('e2e1.regsync.out.municipal-register.03404000', 'e2e1')).toEqual({ app: 'municipal-register', instanceKey: '03404000' });
    expect(outgoingTopicOwner('regsync.out.federal-register.DE')).toEqual({ app: 'federal-register', instanceKey: 'DE' });
    expect(outgoingTopicOwner('e2e2.regsync.out.municipal-register.03404000', 'e2e1')).toBeUndefined();
    expect(outgoingTopicOwner('e2e1.regsync.deliveries.municipal-register.03404000', 'e2e1')).toBeUndefined();
    expect(outgoingTopicOwner('regsync.out.municipal-register.03404000.extra')).toBeUndefined();
  });

  it("names a group's retry and re-drive outcome topics after it", () => {
    expect(redriveTopicOf(consumerGroupOf('router', 'main', 'e2e1'))).toBe('e2e1.regsync.router.main.redrive');
    expect(redriveTopicOf(consumerGroupOf('state-register', '14'))).toBe('regsync.state-register.14.redrive');
    expect(redriveOutcomeTopicOf(consumerGroupOf('state-register', '14'))).toBe('regsync.state-register.14.redrive-outcomes');
  });
});

describe('topics per provider process', () => {
  it('names one outgoing, one delivery, their key topics and one state topic per provider, whatever the number of authorities it hosts', () => {
    const kinds = registerProcessTopics('municipal-register', 'kommunal1', 'e2e1');
    expect(kinds).toEqual([
      ['e2e1.regsync.out.municipal-register.kommunal1', 'outgoing'],
      ['e2e1.regsync.deliveries.municipal-register.kommunal1', 'delivery'],
      ['e2e1.regsync.out.municipal-register.kommunal1.keys', 'subject-keys'],
      ['e2e1.regsync.deliveries.municipal-register.kommunal1.keys', 'subject-keys'],
      ['e2e1.regsync.state.municipal-register.kommunal1', 'state'],
      ['e2e1.regsync.municipal-register.kommunal1.dlq', 'dead-letter'],
      ['e2e1.regsync.municipal-register.kommunal1.redrive', 'retry'],
      ['e2e1.regsync.municipal-register.kommunal1.redrive-outcomes', 'redrive-outcome'],
      ['e2e1.regsync.outbox-progress.municipal-register.kommunal1', 'outbox-progress'],
    ]);
    expect(deliveryTopicReader(kinds[1][0], 'e2e1')).toEqual({ app: 'municipal-register', instanceKey: 'kommunal1' });
  });

  it('finds the provider of each listed authority, and none for an authority not listed', () => {
    const providerOf = providerIndexOf([
      { app: 'municipal-register', authority: '14612000', provider: 'kommunal1' },
      { app: 'municipal-register', authority: '14713000', provider: 'kommunal1' },
      { app: 'state-register', authority: '14', provider: '14' },
    ]);
    expect(providerOf('municipal-register', '14713000')).toBe('kommunal1');
    expect(providerOf('state-register', '14')).toBe('14');
    expect(providerOf('state-register', '14612000')).toBeUndefined();
    expect(() => providerIndexOf([
      { app: 'municipal-register', authority: '14612000', provider: 'kommunal1' },
      { app: 'municipal-register', authority: '14612000', provider: 'kommunal2' },
    ])).toThrow('municipal-register 14612000 is hosted by both kommunal1 and kommunal2');
  });

  it('keeps the topic of a process of one authority: its provider id is its key (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('municipal-register', 'state-register', 'federal-register'), fc.stringMatching(/^[A-Za-z0-9]{1,14}$/), (app, key) => {
        const providerOf = providerIndexOf([{ app, authority: key, provider: key }]);
        expect(outgoingTopicOf(app, providerOf(app, key)!)).toBe(`regsync.out.${app}.${key}`);
        expect(deliveryTopicReader(deliveryTopicOf(app, providerOf(app, key)!))).toEqual({ app, instanceKey: key });
      }),
    );
  });
});

describe('state record keys', () => {
  it('keys a record by the subject on the topic of its own authority, by authority and subject for another authority the provider hosts', () => {
    expect(stateRecordKeyOf('14612000', '14612000', '36574261809')).toBe('36574261809');
    expect(stateRecordKeyOf('kommunal1', '14713000', '36574261809')).toBe('14713000/36574261809');
    expect(stateRecordKeyOf('kommunal1', '14612000', '36574261809')).not.toBe(stateRecordKeyOf('kommunal1', '14713000', '36574261809'));
  });
});
