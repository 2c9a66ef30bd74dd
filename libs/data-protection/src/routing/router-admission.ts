import type { RegsyncEvent } from '@regsync/contracts/generated/events';
import { APP_OF_LEVEL, outgoingTopicOwner } from '@regsync/contracts/topic-catalog';
import { KAFKA_HEADERS } from '@regsync/contracts/kafka-headers';
import type { Admission, ReceivedRecord } from '@regsync/messaging/messaging-options';
import { authorityViolation } from '@regsync/register-domain/authority';
import { describeRegisterAddress } from '@regsync/register-domain/registers';
import { checkedContent } from '../transfer-admission';

/**
 * The router's `admit`: the sender is the owner of the outgoing topic the event came from, whose principal alone may
 * write it; an envelope naming another instance is rejected ('source-mismatch'). An event on the router's own
 * re-drive topic (`redriveTopic`: a dead letter an operator offered again) is judged by the outgoing topic it was
 * first sent on (`regsync-sent-on-topic`); that header counts on no other topic. Then only the authoritative register
 * may send the event ('not-authoritative'), and the content rules apply ('invalid-text', 'implausible').
 */
export function routerAdmission(namespace: string, redriveTopic: string): (event: RegsyncEvent, record: ReceivedRecord) => Admission {
  return (received, { topic, sentOnTopic }) => {
    const { envelope, ...payload } = received as RegsyncEvent & Record<string, unknown>;
    const { source } = envelope;
    const sentOn = topic === redriveTopic ? (sentOnTopic ?? '') : topic;
    const owner = outgoingTopicOwner(sentOn, namespace);
    if (!owner || owner.app !== APP_OF_LEVEL[source.level] || owner.instanceKey !== source.instanceKey) {
      return { kind: 'reject', code: 'source-mismatch', reason: `envelope.source: ${describeRegisterAddress(source)} is not the owner of ${sentOn || `${topic} (no ${KAFKA_HEADERS.sentOnTopic})`}, which alone may write it` };
    }
    const violation = authorityViolation(envelope.eventType, source, payload);
    if (violation) return { kind: 'reject', code: 'not-authoritative', reason: violation };
    const content = checkedContent(received);
    return content.kind === 'reject' ? content : { kind: 'apply', event: content.event };
  };
}
