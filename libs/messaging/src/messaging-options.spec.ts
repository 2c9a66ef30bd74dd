import fc from 'fast-check';
import { deliveryTopicOf, outgoingTopicOf } from '@regsync/contracts/topics';
import { addresseeOf, authorityToRunAs, sourceTopics } from './messaging-options';

describe('the authority a consumed record belongs to', () => {
  const provider = { app: 'municipal-register', instanceKey: 'sachsen1', authorities: ['14612000', '14713000'], namespace: 'e2e1' };
  const sharedTopic = deliveryTopicOf('municipal-register', 'sachsen1', 'e2e1');

  it("reads the provider's one delivery topic for every authority it hosts", () => {
    expect(sourceTopics(provider)).toEqual([sharedTopic]);
  });

  it('runs a record of the shared delivery topic as the authority its header names', () => {
    expect(authorityToRunAs(provider, sharedTopic, '14713000')).toBe('14713000');
    expect(authorityToRunAs(provider, sharedTopic, '14612000')).toBe('14612000');
  });

  it('names an authority the process does not host as the addressee (so it is dead-lettered), and runs it as a hosted one', () => {
    expect(addresseeOf(provider, sharedTopic, '03404000')).toBe('03404000');
    expect(authorityToRunAs(provider, sharedTopic, '03404000')).toBe('14612000');
    // A record without the header belongs to the topic's provider, which is no authority here.
    expect(addresseeOf(provider, sharedTopic, undefined)).toBe('sachsen1');
  });

  it('keeps a process of one authority as before: its topic is its authority, with or without the header', () => {
    const osnabrueck = { app: 'municipal-register', instanceKey: '03404000', namespace: 'e2e1' };
    const topic = deliveryTopicOf('municipal-register', '03404000', 'e2e1');
    expect(sourceTopics(osnabrueck)).toEqual([topic]);
    expect(authorityToRunAs(osnabrueck, topic, undefined)).toBe('03404000');
    expect(authorityToRunAs(osnabrueck, topic, '03404000')).toBe('03404000');
  });

  it("ignores the header on any topic but the process's own delivery topic (the router's outgoing topics)", () => {
    const router = { app: 'router', instanceKey: 'main', namespace: 'e2e1' };
    expect(authorityToRunAs(router, outgoingTopicOf('municipal-register', 'sachsen1', 'e2e1'), '14612000')).toBe('main');
    expect(addresseeOf(provider, deliveryTopicOf('municipal-register', 'other1', 'e2e1'), '14612000')).toBe('sachsen1');
  });

  it('runs every record as a hosted authority, and as its addressee exactly when the process hosts it (property)', () => {
    const key = fc.stringMatching(/^[0-9]{8}$/);
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 1, maxLength: 6 }), fc.option(key, { nil: undefined }), (authorities, header) => {
        const options = { app: 'municipal-register', instanceKey: 'p1', authorities, namespace: '' };
        const topic = deliveryTopicOf('municipal-register', 'p1');
        const runAs = authorityToRunAs(options, topic, header);
        expect(authorities).toContain(runAs);
        const addressee = addresseeOf(options, topic, header);
        expect(runAs === addressee).toBe(authorities.includes(addressee));
      }),
    );
  });
});
