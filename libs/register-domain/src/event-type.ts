/** Every event type, as the Avro record names under schemas/ (and `envelope.eventType`). */
export const EVENT_TYPES = [
  'BirthRecorded',
  'NameChanged',
  'DeathRecorded',
  'IdNrRequested',
  'IdNrAssigned',
  'ResidenceRegistered',
  'MovedOut',
  'InformationBlockSet',
  'InformationBlockLifted',
  'ParcelRecorded',
  'ParcelChanged',
  'ParcelLeftMunicipality',
  'PropertyTaxBaseChanged',
  'ResidenceRestated',
  'NamesRestated',
  'ParcelRestated',
  'PersonErased',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}
