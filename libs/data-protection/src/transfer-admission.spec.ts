import type { AdministrativeLevel, BirthRecorded, RegsyncEvent, ResidenceRegistered } from '@regsync/contracts/generated/events';
import type { Admission, ReceivedRecord } from '@regsync/messaging/register-messaging';
import { runAsAuthority } from '@regsync/persistence/authority-scope';
import { admittedTransfers, transferAdmission } from './transfer-admission';

const osnabrueck = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
const dresden = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: '14612000' };

function envelope(eventType: string, source: RegsyncEvent['envelope']['source'], subjectId: string): RegsyncEvent['envelope'] {
  return { eventId: '5f0c7d0e-8c1a-4b43-9a57-2f8a1c3c9d11', eventType, occurredAt: new Date(), source, subject: { kind: 'PERSON', id: subjectId }, subjectVersion: 1, correlationId: 'c-1', causationId: null, legalBasis: '§ test' };
}

const birth: BirthRecorded = {
  envelope: envelope('BirthRecorded', { level: 'MUNICIPAL', instanceKey: '03404000', register: 'PERSONENSTANDSREGISTER' }, '03404000-G-2026-000001'),
  birthRegistrationId: '03404000-G-2026-000001',
  familyName: 'Weber',
  givenNames: 'Mia',
  sex: 'FEMALE',
  dateOfBirth: new Date(Date.UTC(2026, 0, 2)),
  placeOfBirth: 'Osnabrück',
  parentIdnrs: ['12345678995'],
  residence: osnabrueck,
};

const move: ResidenceRegistered = {
  envelope: envelope('ResidenceRegistered', { level: 'MUNICIPAL', instanceKey: '14612000', register: 'MELDEREGISTER' }, '36574261809'),
  idnr: '36574261809',
  familyName: 'Schmidt',
  givenNames: 'Anna',
  sex: 'FEMALE',
  dateOfBirth: new Date(Date.UTC(1990, 2, 14)),
  address: dresden,
  movedInOn: new Date(Date.UTC(2026, 5, 1)),
  previousAddress: osnabrueck,
  dwellingStatus: 'HAUPTWOHNUNG',
};

const topic = 'regsync.deliveries.municipal-register.03404000';
const toMelderegister = { topic, recipientRegister: 'MELDEREGISTER' };
const toBasisdaten = { topic: 'regsync.deliveries.federal-register.DE', recipientRegister: 'IDNR_BASISDATEN' };

describe('transferAdmission', () => {
  // The consumer runs admit as the authority of the delivery topic.
  const asAuthority =
    (level: AdministrativeLevel, authority: string) =>
    (event: RegsyncEvent, record: ReceivedRecord): Admission =>
      runAsAuthority(authority, () => transferAdmission(level)(event, record));
  const osnabrueckInstance = asAuthority('MUNICIPAL', '03404000');
  const federalInstance = asAuthority('FEDERAL', 'DE');

  it('drops the parents’ IdNrs of a birth before the Melderegister sees it: the catalog names no basis for them', () => {
    const admission = osnabrueckInstance(birth, toMelderegister);
    expect(admission.kind).toBe('apply');
    if (admission.kind !== 'apply') return;
    expect(admission.event).not.toHaveProperty('parentIdnrs');
    expect(admission.event).toMatchObject({ familyName: 'Weber', residence: osnabrueck, envelope: birth.envelope });
    const [transfer] = admittedTransfers(admission);
    expect(transfer.recipient).toEqual({ level: 'MUNICIPAL', instanceKey: '03404000', register: 'MELDEREGISTER' });
    expect(transfer.droppedFields).toEqual(['parentIdnrs']);
    expect(transfer.route.legalBasis).toBe('§ 57 PStV');
  });

  it('admits a birth the router already cut to the route (no parents): the plausibility rules of absent fields do not apply', () => {
    const { parentIdnrs: _left, ...delivered } = birth;
    const admission = osnabrueckInstance(delivered as BirthRecorded, toMelderegister);
    expect(admission.kind).toBe('apply');
    expect(admittedTransfers(admission)[0].droppedFields).toEqual([]);
  });

  it('gives the BZSt a registration without the previous address', () => {
    const admission = federalInstance(move, toBasisdaten);
    if (admission.kind !== 'apply') throw new Error(`expected apply, got ${admission.kind}`);
    expect(admission.event).not.toHaveProperty('previousAddress');
    expect(admittedTransfers(admission)[0].droppedFields).toEqual(['previousAddress', 'dwellingStatus']);
  });

  it('refuses a Nebenwohnung delivered to the BZSt, which has no basis for it (the router never sends one), and applies it in the Land', () => {
    const nebenwohnung: ResidenceRegistered = { ...move, dwellingStatus: 'NEBENWOHNUNG' };
    expect(federalInstance(nebenwohnung, toBasisdaten)).toMatchObject({ kind: 'reject', code: 'no-legal-basis' });
    const land = asAuthority('STATE', '14')(nebenwohnung, { topic: 'regsync.deliveries.state-register.14', recipientRegister: 'LANDESMELDEREGISTER' });
    if (land.kind !== 'apply') throw new Error(`expected apply, got ${land.kind}`);
    expect(land.event).toMatchObject({ dwellingStatus: 'NEBENWOHNUNG', address: dresden });
  });

  it('admits the Rückmeldung to the municipality moved away from with the full registration', () => {
    const admission = osnabrueckInstance(move, toMelderegister);
    if (admission.kind !== 'apply') throw new Error(`expected apply, got ${admission.kind}`);
    expect(admission.event).toMatchObject({ previousAddress: osnabrueck });
    expect(admittedTransfers(admission)[0].route.legalBasis).toBe('§ 33 Abs. 1 BMG');
  });

  it('rejects a delivery addressed to no register of this instance as not-addressed', () => {
    expect(osnabrueckInstance(move, { topic, recipientRegister: 'IDNR_BASISDATEN' })).toMatchObject({ kind: 'reject', code: 'not-addressed' });
    expect(osnabrueckInstance(move, { topic })).toMatchObject({ kind: 'reject', code: 'not-addressed' });
  });

  it('rejects a delivery to a register without a route for the event type as no-legal-basis', () => {
    expect(osnabrueckInstance(move, { topic, recipientRegister: 'GRUNDSTEUER' })).toMatchObject({ kind: 'reject', code: 'no-legal-basis' });
  });

  it('rejects an event whose name is outside DIN 91379 as invalid-text, naming the field, the rule and the position', () => {
    const admission = federalInstance({ ...move, givenNames: 'An\u202Ena' }, toBasisdaten);
    expect(admission).toMatchObject({ kind: 'reject', code: 'invalid-text' });
    expect(admission.kind === 'reject' && admission.reason).toMatch(/^givenNames: character U\+202E at position 3 is not allowed: must consist of DIN 91379 data type A/);
    const lone = osnabrueckInstance({ ...birth, residence: { ...osnabrueck, street: 'Große Stra\uD800ße' } }, toMelderegister);
    expect(lone.kind === 'reject' && lone.reason).toMatch(/^residence\.street: character U\+D800 at position 11/);
  });

  it('passes decomposed text on in NFC, so every register stores one spelling', () => {
    const admission = federalInstance({ ...move, familyName: 'Ko\u0308hler', address: { ...dresden, street: 'Ko\u0308nigsbru\u0308cker Straße' } }, toBasisdaten);
    if (admission.kind !== 'apply') throw new Error(`expected apply, got ${admission.kind}`);
    expect(admission.event).toMatchObject({ familyName: 'Köhler', address: dresden });
    expect(admittedTransfers(admission)[0].payload).toMatchObject({ familyName: 'Köhler' });
  });

  it('rejects an implausible event as implausible, with the rule the API applies', () => {
    const admission = federalInstance({ ...move, movedInOn: new Date(Date.UTC(1980, 0, 1)) }, toBasisdaten);
    expect(admission).toEqual({ kind: 'reject', code: 'implausible', reason: 'movedInOn: 1980-01-01 is before the date of birth 1990-03-14' });
    expect(osnabrueckInstance({ ...birth, dateOfBirth: new Date(Date.UTC(1850, 0, 1)) }, toMelderegister)).toMatchObject({ kind: 'reject', code: 'implausible' });
  });
});
