// Public entry: The broker itself: clients, topics with their leaders, ACLs, retry routes.
export { kafkaClient, kafkaClientConfig } from './kafka-client';
export { createBrokerAcls, deleteBrokerAcls } from './broker-acl-admin';
export { ensureTopics } from './ensure-topics';
export { createTopicsWithLeaders } from './topic-leaders';
export { retryRouteOf } from './retry-topic';
export type { RetryRoute } from './retry-topic';
