import { Controller, Inject } from '@nestjs/common';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { EVENT_TYPES, type RegsyncEvent } from '@regsync/contracts/generated/events';
import { APP_OF_LEVEL, deliveryTopicOf, KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import { EventBatchPattern, DeliveryRow, Outbox, RegsyncBatchContext, RegsyncEventContext } from '@regsync/messaging/register-messaging';
import { deliveriesOf, holdingsAfter, type Delivery, type RoutingTopology } from '@regsync/register-domain/routing';
import { describeRegisterAddress } from '@regsync/register-domain/authorities';
import { DeliveredVersions } from './delivered-versions';
import { RecipientState, RoutedDelivery } from './recipient-state';
import { SubjectHoldings } from './subject-holdings';
import { ChunkDeliveryKeys, DeliveryKeys } from './delivery-keys';
import { PersonErasure } from '../erasure/person-erasure';

export const ROUTING_OPTIONS = Symbol('ROUTING_OPTIONS');

export interface RoutingOptions {
  topology: RoutingTopology;
  /** The provider process hosting each instance of the topology: its delivery topic carries the instance's deliveries. */
  providerOf: (app: string, authority: string) => string | undefined;
  namespace: string;
  /** The router's SUBJECT_KEY_SECRET: its delivery keys are stored wrapped by a key derived from it. Without it the router cannot route sealed events. */
  deliveryKeySecret?: Buffer;
}

/**
 * The router's one handler: for the admitted events of a chunk, in log order, who receives each (the event itself
 * plus the subject's holders), one outbox row per delivery, cut to the recipient's route, on the recipient's delivery
 * topic, stamped with the version delivered there before (hold at a gap), and the holdings the event creates; all in
 * the inbox transaction, so each event is routed exactly once.
 * The chunk's holdings are read once and written once, its deliveries appended in one statement, after the state
 * records they change (recipient-state.ts).
 */
@Controller()
export class DeliveryRouterHandler {
  private readonly recipientState: RecipientState;
  private readonly deliveryKeys: DeliveryKeys;

  constructor(
    @Inject(ROUTING_OPTIONS) private readonly options: RoutingOptions,
    private readonly outbox: Outbox,
    private readonly codec: EventCodec,
    private readonly erasure: PersonErasure,
  ) {
    this.recipientState = new RecipientState(options.namespace, options.providerOf);
    this.deliveryKeys = new DeliveryKeys(options.deliveryKeySecret);
  }

  @EventBatchPattern(...EVENT_TYPES)
  async route(events: RegsyncEvent[], context: RegsyncBatchContext): Promise<void> {
    const holdings = await SubjectHoldings.lock(
      context.manager,
      events.map((event) => event.envelope.subject),
    );
    const delivered = await DeliveredVersions.read(
      context.manager,
      events.map((event) => event.envelope),
    );
    const deliveryKeys = await this.deliveryKeys.read(
      context.manager,
      events.filter((_, index) => context.events[index].subjectKey).map((event) => event.envelope.subject),
    );
    const rows: DeliveryRow[] = [];
    const routed: RoutedDelivery[] = [];
    for (const [index, event] of events.entries()) {
      const { envelope, ...payload } = event as RegsyncEvent & Record<string, unknown>;
      const deliveries = deliveriesOf(envelope.eventType, payload, envelope.source, this.options.topology, holdings.holdersOf(envelope.subject));
      const headers = sourceHeadersOf(context.events[index]);
      const senderKey = context.events[index].subjectKey;
      const sealedWith = senderKey ? { deliveryKeys, senderKeyId: senderKey.id } : undefined;
      const eventRows = await Promise.all(deliveries.map((delivery) => this.deliveryRow(event, delivery, headers, delivered.deliver(delivery.recipient, envelope), sealedWith)));
      assertOneDeliveryPerAuthority(eventRows, deliveries);
      if (sealedWith) deliveryKeys.noteSent(event);
      rows.push(...eventRows);
      routed.push(...eventRows.map((row, at) => ({ recipient: deliveries[at].recipient, subject: envelope.subject, eventId: envelope.eventId, eventType: envelope.eventType, payload: row.payload, headers: row.headers })));
      holdings.add(envelope.subject.kind, holdingsAfter(envelope.eventType, payload, envelope.source, envelope.subject.id, deliveries));
    }
    await holdings.record(context.manager);
    await delivered.record(context.manager);
    await deliveryKeys.record(context.manager);
    // Each recipient's state records go first: a delivery on Kafka never precedes its subject's state (bootstrap).
    await this.outbox.appendRecords(context.manager, await this.recipientState.recordsAfter(context.manager, routed));
    await this.outbox.appendDeliveries(context.manager, rows);
    // After the deliveries: a key made in this chunk and withdrawn in it went out with them.
    await this.outbox.appendKeyErasures(context.manager, deliveryKeys.withdrawn);
    // After the state records: a record the chunk wrote with the withdrawn key ends too.
    await this.outbox.appendRecords(context.manager, await this.recipientState.endHeld(context.manager, deliveryKeys.statesEndedByWithdrawal()));
    await this.forgetErased(events, context);
  }

  /**
   * An erased person: every delivery key of theirs (one per recipient) gets a tombstone on that recipient's key topic,
   * every state topic holding them a tombstone, and the router forgets them (holdings, delivered versions, what it
   * published). The erasure itself went out above.
   */
  private async forgetErased(events: RegsyncEvent[], context: RegsyncBatchContext): Promise<void> {
    const erasures = events.filter((event) => event.envelope.eventType === 'PersonErased').map((event) => event.envelope);
    if (erasures.length === 0) return;
    await this.outbox.appendKeyErasures(context.manager, await this.deliveryKeys.erase(context.manager, erasures.map(({ subject }) => subject)));
    for (const { subject, eventId, correlationId } of erasures) {
      await this.outbox.appendRecords(context.manager, await this.recipientState.erase(context.manager, subject, eventId));
      await this.erasure.erase(context.manager, subject.id, { correlationId, requestedBy: 'router' });
    }
  }

  /**
   * `deliveredBefore`: the version of the subject and sender delivered to the recipient before, stamped for its hold at
   * a gap. A sealed event's delivery is sealed again, with the recipient's delivery key of the subject, which the
   * recipient gets with its first delivery sealed with it (so only with a delivery its route allows).
   */
  private async deliveryRow(event: RegsyncEvent, { recipient, route }: Delivery, headers: Record<string, string>, deliveredBefore: number | undefined, sealedWith?: { deliveryKeys: ChunkDeliveryKeys; senderKeyId: string }): Promise<DeliveryRow> {
    const deliveryHeaders: Record<string, string> = { ...headers, [KAFKA_HEADERS.recipientRegister]: recipient.register, [KAFKA_HEADERS.recipientAuthority]: recipient.instanceKey };
    // The router alone stamps: whatever a sender put there is not passed on.
    if (deliveredBefore === undefined) delete deliveryHeaders[KAFKA_HEADERS.previousDeliveredVersion];
    else deliveryHeaders[KAFKA_HEADERS.previousDeliveredVersion] = String(deliveredBefore);
    const app = APP_OF_LEVEL[recipient.level];
    const provider = this.options.providerOf(app, recipient.instanceKey);
    // deliveriesOf names only instances of the topology, and each of them has a provider.
    if (provider === undefined) throw new Error(`routing: no provider hosts ${describeRegisterAddress(recipient)}`);
    const topic = deliveryTopicOf(app, provider, this.options.namespace);
    if (!sealedWith) return { topic, event, payload: await this.codec.encodeDelivery(event, recipient.register, route.fields), headers: deliveryHeaders };
    const deliveryKey = sealedWith.deliveryKeys.keyFor(recipient, topic, event, sealedWith.senderKeyId);
    return { topic, event, payload: await this.codec.encodeSealedDelivery(event, recipient.register, route.fields, deliveryKey), headers: deliveryHeaders, subjectKey: deliveryKey };
  }
}

function sourceHeadersOf(context: RegsyncEventContext): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(context.headers)) {
    const text = headerText(value);
    if (text !== undefined) headers[name] = text;
  }
  return headers;
}

/**
 * An authority gets an event once (its inbox keys it by eventId): two registers of one instance cannot both get it.
 * Two authorities of one provider each get their own record on the shared topic.
 */
function assertOneDeliveryPerAuthority(rows: readonly DeliveryRow[], deliveries: readonly Delivery[]): void {
  const addressees = new Set<string>();
  for (const [index, row] of rows.entries()) {
    const addressee = `${row.topic} ${deliveries[index].recipient.instanceKey}`;
    if (addressees.has(addressee)) throw new Error(`routing: ${row.event.envelope.eventType} would reach ${describeRegisterAddress(deliveries[index].recipient)} a second time on ${row.topic}`);
    addressees.add(addressee);
  }
}
