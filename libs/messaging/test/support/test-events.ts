import { randomUUID } from 'node:crypto';
import { EventType, EventTypes, RegsyncEvent } from '@regsync/contracts/generated/events';
import { EventDraft } from '../../src/outbox';

export const TEST_SOURCE = { level: 'MUNICIPAL', instanceKey: '03404000' } as const;

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** A person event of a type that cycles with `n`, so one subject's stream interleaves event types. */
export function personDraft(idnr: string, n: number, familyName = `Name${n}`): EventDraft<EventType> {
  const common = { subject: { kind: 'PERSON' as const, id: idnr }, correlationId: randomUUID(), causationId: null };
  switch (n % 4) {
    case 0:
      return { ...common, eventType: 'NameChanged', register: 'PERSONENSTANDSREGISTER', legalBasis: '§ 17 Abs. 4 BMG', payload: { idnr, familyName, givenNames: 'Erika', previousFamilyName: 'Mustermann', reason: 'MARRIAGE', maritalStatus: 'MARRIED', effectiveOn: day('2024-05-01') } };
    case 1:
      return { ...common, eventType: 'MovedOut', register: 'PERSONENSTANDSREGISTER', legalBasis: '§ 33 BMG', payload: { idnr, movedOutOn: day('2024-06-01'), fromMunicipalityKey: '03404000', toMunicipalityKey: '14612000' } };
    case 2:
      return { ...common, eventType: 'InformationBlockSet', register: 'PERSONENSTANDSREGISTER', legalBasis: '§ 51 BMG', payload: { idnr, blockKind: 'AUSKUNFTSSPERRE', validUntil: null } };
    default:
      return { ...common, eventType: 'InformationBlockLifted', register: 'PERSONENSTANDSREGISTER', legalBasis: '§ 51 BMG', payload: { idnr, blockKind: 'AUSKUNFTSSPERRE' } };
  }
}

/** A ResidenceRegistered (the type the test register takes with a batch handler). */
export function residenceDraft(idnr: string, familyName = 'Mustermann'): EventDraft<EventType> {
  const address = { street: 'Hauptstraße', houseNumber: '1', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
  return {
    subject: { kind: 'PERSON', id: idnr },
    correlationId: randomUUID(),
    causationId: null,
    eventType: 'ResidenceRegistered',
    register: 'MELDEREGISTER',
    legalBasis: '§ 17 Abs. 1 BMG',
    payload: { idnr, familyName, givenNames: 'Erika', sex: 'FEMALE', dateOfBirth: day('1980-01-01'), address, movedInOn: day('2024-06-01'), previousAddress: null },
  };
}

/** A DeathRecorded (the type the test register handles through an interceptor of its own). */
export function deathDraft(idnr: string): EventDraft<EventType> {
  return {
    subject: { kind: 'PERSON', id: idnr },
    correlationId: randomUUID(),
    causationId: null,
    eventType: 'DeathRecorded',
    register: 'PERSONENSTANDSREGISTER',
    legalBasis: '§ 17 Abs. 4 BMG',
    payload: { idnr, dateOfDeath: day('2025-01-01'), placeOfDeath: 'Osnabrück' },
  };
}

/** The complete event the outbox would write for `draft` as version `version` (for producing directly in tests). */
export function eventOf(draft: EventDraft<EventType>, version: number, eventId: string = randomUUID()): RegsyncEvent {
  return {
    ...draft.payload,
    envelope: {
      eventId,
      eventType: draft.eventType,
      occurredAt: new Date(),
      source: { ...TEST_SOURCE, register: draft.register },
      subject: draft.subject,
      subjectVersion: version,
      correlationId: draft.correlationId,
      causationId: draft.causationId,
      legalBasis: draft.legalBasis,
    },
  } as EventTypes[EventType];
}

/** IdNr-like subject ids (the transport does not check them; the domain does). */
export function subjectId(n: number): string {
  return String(10_000_000_000 + n);
}
