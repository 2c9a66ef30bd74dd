import { randomUUID } from 'node:crypto';
import { EventEnvelope, EventPayload, EventType, EventTypes } from './generated/events';

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
const osnabrueck = { street: 'Große Straße', houseNumber: '1', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
const dresden = { street: 'Prager Straße', houseNumber: '10', postalCode: '01069', city: 'Dresden', municipalityKey: '14612000' };
const parcel = { parcelId: '14612300100012______', municipalityKey: '14612000', areaSquareMetres: 612, usage: 'Wohnbaufläche', ownerIdnrs: ['36574261809'] };

/** A valid payload of every event type: documentation by example, and the input of contract and bench tests. */
export const SAMPLE_PAYLOADS: { [T in EventType]: EventPayload<T> } = {
  BirthRecorded: { birthRegistrationId: '03404000-G-2026-000001', familyName: 'Schmidt', givenNames: 'Lena', sex: 'FEMALE', dateOfBirth: day('2026-11-20'), placeOfBirth: 'Osnabrück', parentIdnrs: ['36574261809'], residence: osnabrueck },
  IdNrRequested: { birthRegistrationId: '03404000-G-2026-000001', familyName: 'Schmidt', givenNames: 'Lena', sex: 'FEMALE', dateOfBirth: day('2026-11-20'), placeOfBirth: 'Osnabrück', address: osnabrueck, requestingMunicipalityKey: '03404000' },
  IdNrAssigned: { birthRegistrationId: '03404000-G-2026-000001', idnr: '12345678995', requestingMunicipalityKey: '03404000' },
  ResidenceRegistered: { idnr: '36574261809', familyName: 'Schmidt', givenNames: 'Anna Maria', sex: 'FEMALE', dateOfBirth: day('1990-04-01'), address: dresden, movedInOn: day('2026-11-01'), previousAddress: osnabrueck, dwellingStatus: 'HAUPTWOHNUNG' },
  MovedOut: { idnr: '36574261809', movedOutOn: day('2026-11-01'), fromMunicipalityKey: '03404000', toMunicipalityKey: '14612000' },
  NameChanged: { idnr: '36574261809', familyName: 'Weber', givenNames: 'Anna Maria', previousFamilyName: 'Schmidt', reason: 'MARRIAGE', maritalStatus: 'MARRIED', effectiveOn: day('2026-11-15') },
  DeathRecorded: { idnr: '36574261809', dateOfDeath: day('2026-11-24'), placeOfDeath: 'Dresden' },
  PersonErased: { reason: 'registration made in error', requestedBy: 'buergeramt' },
  InformationBlockSet: { idnr: '36574261809', blockKind: 'AUSKUNFTSSPERRE', validUntil: day('2028-11-30') },
  InformationBlockLifted: { idnr: '36574261809', blockKind: 'AUSKUNFTSSPERRE' },
  ParcelRecorded: parcel,
  ParcelChanged: { ...parcel, areaSquareMetres: 598, changeReason: 'Zerlegung (parcel split)' },
  ParcelLeftMunicipality: { parcelId: parcel.parcelId, fromMunicipalityKey: '14612000', toMunicipalityKey: '14713000', changeReason: 'Gemeindegebietsänderung' },
  PropertyTaxBaseChanged: { ...parcel, areaSquareMetres: 598 },
  ResidenceRestated: { idnr: '36574261809', familyName: 'Schmidt', givenNames: 'Anna Maria', sex: 'FEMALE', dateOfBirth: day('1990-04-01'), address: dresden, movedInOn: day('2026-11-01'), dwellingStatus: 'HAUPTWOHNUNG', requestedBy: 'Olga Operator (operator)' },
  NamesRestated: { idnr: '36574261809', familyName: 'Weber', givenNames: 'Anna Maria', requestedBy: 'Olga Operator (operator)' },
  ParcelRestated: { ...parcel, requestedBy: 'Olga Operator (operator)' },
};

const SUBJECT_OF: { [T in EventType]: (payload: EventPayload<T>) => EventEnvelope['subject'] } = {
  BirthRecorded: (p) => ({ kind: 'PERSON', id: p.birthRegistrationId }),
  IdNrRequested: (p) => ({ kind: 'PERSON', id: p.birthRegistrationId }),
  IdNrAssigned: (p) => ({ kind: 'PERSON', id: p.birthRegistrationId }),
  ResidenceRegistered: (p) => ({ kind: 'PERSON', id: p.idnr }),
  MovedOut: (p) => ({ kind: 'PERSON', id: p.idnr }),
  NameChanged: (p) => ({ kind: 'PERSON', id: p.idnr }),
  DeathRecorded: (p) => ({ kind: 'PERSON', id: p.idnr }),
  PersonErased: () => ({ kind: 'PERSON', id: '36574261809' }),
  InformationBlockSet: (p) => ({ kind: 'PERSON', id: p.idnr }),
  InformationBlockLifted: (p) => ({ kind: 'PERSON', id: p.idnr }),
  ParcelRecorded: (p) => ({ kind: 'PARCEL', id: p.parcelId }),
  ParcelChanged: (p) => ({ kind: 'PARCEL', id: p.parcelId }),
  ParcelLeftMunicipality: (p) => ({ kind: 'PARCEL', id: p.parcelId }),
  PropertyTaxBaseChanged: (p) => ({ kind: 'PARCEL', id: p.parcelId }),
  ResidenceRestated: (p) => ({ kind: 'PERSON', id: p.idnr }),
  NamesRestated: (p) => ({ kind: 'PERSON', id: p.idnr }),
  ParcelRestated: (p) => ({ kind: 'PARCEL', id: p.parcelId }),
};

/** A complete sample event of the given type, with a fresh eventId; the subject follows the (overridden) payload. */
export function sampleEvent<T extends EventType>(eventType: T, overrides: Partial<EventEnvelope> = {}, payloadOverrides: Partial<EventPayload<T>> = {}): EventTypes[T] {
  const payload = { ...SAMPLE_PAYLOADS[eventType], ...payloadOverrides } as EventPayload<T>;
  const envelope: EventEnvelope = {
    eventId: randomUUID(),
    eventType,
    occurredAt: new Date('2026-11-25T10:15:30.123Z'),
    source: { level: 'MUNICIPAL', instanceKey: '14612000', register: 'MELDEREGISTER' },
    subject: SUBJECT_OF[eventType](payload),
    subjectVersion: 1,
    correlationId: randomUUID(),
    causationId: null,
    legalBasis: '§ 17 Abs. 1 BMG',
    ...overrides,
  };
  return { envelope, ...payload } as unknown as EventTypes[T];
}
