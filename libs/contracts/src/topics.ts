// Public entry: The topic catalog: names, settings and headers of every topic.
export { APP_OF_LEVEL, consumerGroupOf, deadLetterTopicOf, DELIVERY_TOPIC_PARTITIONS, deliveryTopicOf, deliveryTopicReader, EVENT_TOPICS, namespaced, outboxProgressTopicOf, OUTGOING_TOPIC_PARTITIONS, outgoingTopicOf, outgoingTopicOwner, providerIndexOf, redriveOutcomeTopicOf, redriveTopicOf, registerProcessTopics, registrySubjectOf, relayIdOf, ROUTER_APP, ROUTER_INSTANCE_KEY, stateRecordKeyOf, stateTopicOf, stateTopicReader, subjectKeyTopicOf, topicOf, topicSettingsOf } from './topic-catalog';
export type { TopicDefinition, TopicKind } from './topic-catalog';
export { erasureBoundProblems, topicSettingProblems } from './topic-setting-problems';
export { DLQ_HEADER_PREFIX, headerText, KAFKA_HEADERS } from './kafka-headers';
