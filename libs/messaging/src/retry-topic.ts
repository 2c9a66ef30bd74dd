import { MessagingOptions, retryTopicOf, sourceTopics } from './messaging-options';

/** A consumer group's retry topic and the topics whose records may be re-driven onto it. */
export interface RetryRoute {
  retryTopic: string;
  sourceTopics: readonly string[];
}

export function retryRouteOf(options: Pick<MessagingOptions, 'app' | 'instanceKey' | 'authorities' | 'namespace' | 'consumes'>): RetryRoute {
  return { retryTopic: retryTopicOf(options), sourceTopics: sourceTopics(options) };
}

/**
 * The topic a record is judged as read from (the authority of a delivery topic, the sender of an outgoing topic). A
 * record of the retry topic counts as read from the topic its `regsync-sent-on-topic` names, which must be one the
 * group reads; on any other topic that header counts for nothing. undefined: a retry record naming no such topic.
 */
export function originalTopicOf(route: RetryRoute | undefined, topic: string, sentOnTopic: string | undefined): string | undefined {
  if (!route || topic !== route.retryTopic) return topic;
  return sentOnTopic !== undefined && route.sourceTopics.includes(sentOnTopic) ? sentOnTopic : undefined;
}
