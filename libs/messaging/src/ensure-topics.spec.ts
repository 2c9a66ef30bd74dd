import { KafkaJSAggregateError, KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { isRetriable } from './ensure-topics';

function brokerAnswer(type: string, message: string): KafkaJSProtocolError {
  return new KafkaJSProtocolError(Object.assign(new Error(message), { type, code: 0, retriable: true }));
}

describe('isRetriable (ensureTopics)', () => {
  it('retries the answers of a broker still creating a namespace’s topics, also when kafkajs wraps them', () => {
    expect(isRetriable(brokerAnswer('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition'))).toBe(true);
    expect(isRetriable(brokerAnswer('LEADER_NOT_AVAILABLE', 'There is no leader for this topic-partition'))).toBe(true);
    expect(isRetriable(new KafkaJSAggregateError('topic creation errors', [brokerAnswer('TOPIC_ALREADY_EXISTS', 'exists'), brokerAnswer('LEADER_NOT_AVAILABLE', 'no leader')]))).toBe(true);
    expect(isRetriable(Object.assign(new KafkaJSNonRetriableError('gave up'), { cause: brokerAnswer('NOT_CONTROLLER', 'not the controller') }))).toBe(true);
  });

  it('fails at once on answers that will not change', () => {
    expect(isRetriable(brokerAnswer('INVALID_REPLICATION_FACTOR', 'Replication factor is invalid'))).toBe(false);
    expect(isRetriable(brokerAnswer('TOPIC_AUTHORIZATION_FAILED', 'Not authorized to access topics'))).toBe(false);
    expect(isRetriable(new Error('something else'))).toBe(false);
  });
});
