import { originalTopicOf, retryRouteOf } from './retry-topic';

describe('the retry topic of a consumer group', () => {
  const route = retryRouteOf({ app: 'municipal-register', instanceKey: 'P1', authorities: ['03404000', '14612000'], namespace: 'e2e1' });
  const provider = 'e2e1.regsync.deliveries.municipal-register.P1';

  it("is the group's own, next to the provider's one delivery topic for every authority it hosts", () => {
    expect(route).toEqual({ retryTopic: 'e2e1.regsync.municipal-register.P1.redrive', sourceTopics: [provider] });
  });

  it('judges a re-driven record as read from the topic it was first read from', () => {
    expect(originalTopicOf(route, route.retryTopic, provider)).toBe(provider);
  });

  it('refuses a re-driven record that names no topic of the group, or none at all', () => {
    expect(originalTopicOf(route, route.retryTopic, 'e2e1.regsync.deliveries.municipal-register.09162000')).toBeUndefined();
    expect(originalTopicOf(route, route.retryTopic, 'e2e1.regsync.deliveries.municipal-register.03404000')).toBeUndefined();
    expect(originalTopicOf(route, route.retryTopic, route.retryTopic)).toBeUndefined();
    expect(originalTopicOf(route, route.retryTopic, undefined)).toBeUndefined();
  });

  it('ignores the header on any other topic', () => {
    expect(originalTopicOf(route, provider, 'e2e1.regsync.deliveries.municipal-register.14612000')).toBe(provider);
    expect(originalTopicOf(undefined, route.retryTopic, provider)).toBe(route.retryTopic);
  });
});
