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
