import type { RegsyncEvent } from '@regsync/contracts/generated/events';
import { APP_OF_LEVEL, outgoingTopicOwner } from '@regsync/contracts/topic-catalog';
import type { Admission, ReceivedRecord } from '@regsync/messaging/messaging-options';
import { authorityViolation } from '@regsync/register-domain/authority';
import { describeRegisterAddress } from '@regsync/register-domain/registers';
import { checkedContent } from '../transfer-admission';

/**
 * The router's `admit`: the sender is the owner of the outgoing topic the event came from, whose principal alone may
 * write it; an envelope naming another instance is rejected ('source-mismatch'). A dead letter an operator re-drove
 * onto the router's retry topic is judged by the outgoing topic it was first sent on (libs/messaging retry-topic.ts).
 * Then only the authoritative register may send the event ('not-authoritative'), and the content rules apply
 * ('invalid-text', 'implausible').
 */
export function routerAdmission(namespace: string): (event: RegsyncEvent, record: ReceivedRecord) => Admission {
  return (received, { topic }) => {
    const { envelope, ...payload } = received as RegsyncEvent & Record<string, unknown>;
    const { source } = envelope;
    const owner = outgoingTopicOwner(topic, namespace);
    if (!owner || owner.app !== APP_OF_LEVEL[source.level] || owner.instanceKey !== source.instanceKey) {
      return { kind: 'reject', code: 'source-mismatch', reason: `envelope.source: ${describeRegisterAddress(source)} is not the owner of ${topic}, which alone may write it` };
    }
    const violation = authorityViolation(envelope.eventType, source, payload);
    if (violation) return { kind: 'reject', code: 'not-authoritative', reason: violation };
    const content = checkedContent(received);
    return content.kind === 'reject' ? content : { kind: 'apply', event: content.event };
  };
}
