import { outgoingTopicOf } from '@regsync/contracts/topics';
import { DESTINATION_MUNICIPALITY } from './move-workload';

/** The one topic of a bench run: the sending municipality's outgoing topic, which the receiver reads itself. */
export function benchTopicOf(namespace: string): string {
  return outgoingTopicOf('municipal-register', DESTINATION_MUNICIPALITY.municipalityKey, namespace);
}
