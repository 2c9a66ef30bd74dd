import type { RegsyncEvent } from '@regsync/contracts/generated/events';
import { APP_OF_LEVEL, outgoingTopicOwner } from '@regsync/contracts/topics';
import type { Admission, ReceivedRecord } from '@regsync/messaging/register-messaging';
import { authorityViolation, describeRegisterAddress } from '@regsync/register-domain/authorities';
import { checkedContent } from '../transfer-admission';

/**
 * The router's `admit`: the sender is an authority hosted by the provider process whose outgoing topic the event came
 * from (`providerOf`, the topology), whose principal alone may write it; an envelope naming an authority that process
 * does not host is rejected ('source-mismatch'). A dead letter an operator re-drove
 * onto the router's retry topic is judged by the outgoing topic it was first sent on (libs/messaging retry-topic.ts).
 * Then only the authoritative register may send the event ('not-authoritative'), and the content rules apply
 * ('invalid-text', 'implausible').
 */
export function routerAdmission(namespace: string, providerOf: (app: string, authority: string) => string | undefined): (event: RegsyncEvent, record: ReceivedRecord) => Admission {
  return (received, { topic }) => {
    const { envelope, ...payload } = received as RegsyncEvent & Record<string, unknown>;
    const { source } = envelope;
    const owner = outgoingTopicOwner(topic, namespace);
    if (!owner || owner.app !== APP_OF_LEVEL[source.level] || providerOf(owner.app, source.instanceKey) !== owner.instanceKey) {
      return { kind: 'reject', code: 'source-mismatch', reason: `envelope.source: ${describeRegisterAddress(source)} is not hosted by the writer of ${topic}, which alone may write it` };
    }
    const violation = authorityViolation(envelope.eventType, source, payload);
    if (violation) return { kind: 'reject', code: 'not-authoritative', reason: violation };
    const content = checkedContent(received);
    return content.kind === 'reject' ? content : { kind: 'apply', event: content.event };
  };
}
