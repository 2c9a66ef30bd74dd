import { EVENT_TYPES } from './generated/events';
import { latestSchemas } from './event-schemas';
import { consumerGroupOf, deadLetterTopicOf, deliveryTopicOf, EVENT_TOPICS, namespaced, outgoingTopicOf, outgoingTopicOwner, redriveOutcomeTopicOf, redriveTopicOf, registrySubjectOf, topicOf } from './topic-catalog';

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
