/** One record of an event on a topic, as the fan-out bench read it back from the broker. */
export interface TopicRecord {
  topic: string;
  eventId: string;
  eventType: string;
  correlationId: string;
}

/** What one kind of event of one citizen action cost, summed over the events of that kind. */
export interface EventCost {
  action: string;
  eventType: string;
  events: number;
  /** Records on outgoing topics: what the router read. */
  routerReads: number;
  /** Records on delivery topics: what the recipients read (a recipient reads every record of its topic). */
  deliveries: number;
  /** The instances whose delivery topic got the event, e.g. `municipal-register 03404000`. */
  recipients: string[];
  /** Avro decodes the running processes counted (regsync_events_consumed_total), router included. */
  decodes: number;
  /** Databases whose inbox recorded the event: one write transaction each, router included. */
  writeTransactions: number;
}

export interface ActionMeasurement {
  action: string;
  correlationId: string;
  /** regsync_events_consumed_total deltas during the action, by event type, summed over the running processes. */
  decodesByType: Map<string, number>;
}

/**
 * Per action and event type: reads from the records on the topics (by correlation id), decodes from the services'
 * counters, write transactions from the inboxes (`writesByEvent`: event id → databases that recorded it).
 */
export function tallyFanOut(
  actions: readonly ActionMeasurement[],
  outgoing: readonly TopicRecord[],
  deliveries: readonly (TopicRecord & { recipient: string })[],
  writesByEvent: ReadonlyMap<string, number>,
): EventCost[] {
  return actions.flatMap(({ action, correlationId, decodesByType }) => {
    const sent = outgoing.filter((record) => record.correlationId === correlationId);
    const types = [...new Set(sent.map((record) => record.eventType))];
    return types.map((eventType) => {
      const ofType = sent.filter((record) => record.eventType === eventType);
      const eventIds = new Set(ofType.map((record) => record.eventId));
      const delivered = deliveries.filter((record) => eventIds.has(record.eventId));
      return {
        action,
        eventType,
        events: eventIds.size,
        routerReads: ofType.length,
        deliveries: delivered.length,
        recipients: [...new Set(delivered.map((record) => record.recipient))].sort(),
        decodes: decodesByType.get(eventType) ?? 0,
        writeTransactions: [...eventIds].reduce((sum, eventId) => sum + (writesByEvent.get(eventId) ?? 0), 0),
      };
    });
  });
}
