import { KafkaMessage } from 'kafkajs';
import { RegsyncEvent } from '@regsync/contracts/generated/events';
import { KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';

/** Which records of the range a replay applies; empty lists select everything. */
export interface RecordFilter {
  eventTypes?: readonly string[];
  /** Subject ids (IdNr, birth registration id, Flurstückskennzeichen): the record key. */
  subjects?: readonly string[];
}

/** Decides from key and headers alone, so unselected records are not even decoded. */
export function recordPassesHeaderFilter(filter: RecordFilter, message: Pick<KafkaMessage, 'key' | 'headers'>): boolean {
  const eventType = headerText(message.headers?.[KAFKA_HEADERS.eventType]);
  if (filter.eventTypes?.length && eventType !== undefined && !filter.eventTypes.includes(eventType)) return false;
  const key = message.key?.toString();
  if (filter.subjects?.length && key !== undefined && !filter.subjects.includes(key)) return false;
  return true;
}

/** The authoritative check on the decoded event (records from other producers may lack headers or keys). */
export function eventPassesFilter(filter: RecordFilter, event: RegsyncEvent): boolean {
  if (filter.eventTypes?.length && !filter.eventTypes.includes(event.envelope.eventType)) return false;
  if (filter.subjects?.length && !filter.subjects.includes(event.envelope.subject.id)) return false;
  return true;
}
