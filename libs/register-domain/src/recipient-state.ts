import type { RegisterKind } from './registers';

/**
 * Deliveries after which the recipient keeps nothing of the subject, so its state topic forgets the subject (a
 * tombstone): a parcel that left a municipality is dropped from that municipality's property-tax roll. A move away or
 * a death does not: the Melderegister and the Land keep a former or deceased resident for years (retention catalog).
 */
const ENDS_RECIPIENT_STATE: Readonly<Partial<Record<string, readonly RegisterKind[]>>> = {
  ParcelLeftMunicipality: ['GRUNDSTEUER'],
};

export function endsRecipientState(eventType: string, recipient: RegisterKind): boolean {
  return ENDS_RECIPIENT_STATE[eventType]?.includes(recipient) ?? false;
}

/** A delivery as its recipient's state sees it: `state` names the recipient instance and subject. */
export interface StateDelivery {
  state: string;
  eventType: string;
  register: RegisterKind;
}

/**
 * A chunk's deliveries (in routing order) as changes of the recipients' states: `ended`, for each state a delivery
 * ended, its last ending delivery (a tombstone; what the state held before is gone), and `kept`, the deliveries that
 * come after their state's last end, to be appended to it.
 */
export function stateChangesOf<T extends StateDelivery>(deliveries: readonly T[]): { ended: T[]; kept: T[] } {
  const ends = (delivery: T) => endsRecipientState(delivery.eventType, delivery.register);
  const lastEnd = new Map<string, number>();
  deliveries.forEach((delivery, index) => ends(delivery) && lastEnd.set(delivery.state, index));
  return {
    ended: [...lastEnd.values()].map((index) => deliveries[index]),
    kept: deliveries.filter((delivery, index) => index > (lastEnd.get(delivery.state) ?? -1)),
  };
}
