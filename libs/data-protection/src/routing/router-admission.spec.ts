import type { NameChanged, RegsyncEvent, ResidenceRegistered } from '@regsync/contracts/generated/events';
import { providerIndexOf } from '@regsync/contracts/topics';
import { routerAdmission } from './router-admission';

const dresden = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: '14612000' };

function envelope(eventType: string, source: RegsyncEvent['envelope']['source']): RegsyncEvent['envelope'] {
  return { eventId: '5f0c7d0e-8c1a-4b43-9a57-2f8a1c3c9d11', eventType, occurredAt: new Date(), source, subject: { kind: 'PERSON', id: '36574261809' }, subjectVersion: 1, correlationId: 'c-1', causationId: null, legalBasis: '§ test' };
}

const registration: ResidenceRegistered = {
  envelope: envelope('ResidenceRegistered', { level: 'MUNICIPAL', instanceKey: '14612000', register: 'MELDEREGISTER' }),
  idnr: '36574261809',
  familyName: 'Schmidt',
  givenNames: 'Anna',
  sex: 'FEMALE',
  dateOfBirth: new Date(Date.UTC(1990, 2, 14)),
  address: dresden,
  movedInOn: new Date(Date.UTC(2026, 5, 1)),
  previousAddress: null,
  dwellingStatus: 'HAUPTWOHNUNG',
};

describe('routerAdmission', () => {
  // Dresden and Leipzig hosted by one provider process, every other instance a process of its own.
  const providers = providerIndexOf([
    { app: 'municipal-register', authority: '14612000', provider: '14612000' },
    { app: 'municipal-register', authority: '03241001', provider: '03241001' },
    { app: 'municipal-register', authority: '14713000', provider: 'sachsen1' },
    { app: 'municipal-register', authority: '14522000', provider: 'sachsen1' },
    { app: 'state-register', authority: '14', provider: '14' },
  ]);
  const admit = routerAdmission('e2e1', providers);
  const fromDresden = { topic: 'e2e1.regsync.out.municipal-register.14612000' };

  it('admits an event from the outgoing topic of the instance its envelope names, with the full payload', () => {
    expect(admit(registration, fromDresden)).toEqual({ kind: 'apply', event: registration });
  });

  it('rejects an envelope naming another instance than the owner of the topic as source-mismatch', () => {
    const admission = admit(registration, { topic: 'e2e1.regsync.out.municipal-register.03241001' });
    expect(admission).toMatchObject({ kind: 'reject', code: 'source-mismatch' });
    expect(admission.kind === 'reject' && admission.reason).toBe('envelope.source: MUNICIPAL 14612000 MELDEREGISTER is not hosted by the writer of e2e1.regsync.out.municipal-register.03241001, which alone may write it');
    expect(admit(registration, { topic: 'e2e1.regsync.out.state-register.14' })).toMatchObject({ code: 'source-mismatch' });
    expect(admit(registration, { topic: 'regsync.out.municipal-register.14612000' })).toMatchObject({ code: 'source-mismatch' });
  });

  it('admits an event of an authority its provider hosts from the provider outgoing topic, and no other authority from it', () => {
    const fromLeipzig = { ...registration, envelope: envelope('ResidenceRegistered', { level: 'MUNICIPAL', instanceKey: '14713000', register: 'MELDEREGISTER' }), address: { ...dresden, city: 'Leipzig', municipalityKey: '14713000' } };
    const provider = { topic: 'e2e1.regsync.out.municipal-register.sachsen1' };
    expect(admit(fromLeipzig, provider)).toMatchObject({ kind: 'apply' });
    // Dresden is a process of its own: its events never come on another provider's topic, nor Leipzig's on Dresden's.
    expect(admit(registration, provider)).toMatchObject({ kind: 'reject', code: 'source-mismatch' });
    expect(admit(fromLeipzig, fromDresden)).toMatchObject({ kind: 'reject', code: 'source-mismatch' });
    // An authority the topology does not list has no provider, so no topic proves it.
    const unlisted = { ...registration, envelope: envelope('ResidenceRegistered', { level: 'MUNICIPAL', instanceKey: '14628000', register: 'MELDEREGISTER' }) };
    expect(admit(unlisted, provider)).toMatchObject({ kind: 'reject', code: 'source-mismatch' });
  });

  it('rejects a registration for an address in Dresden from the Melderegister of Hannover (its own topic) as not-authoritative', () => {
    const forged = { ...registration, envelope: envelope('ResidenceRegistered', { level: 'MUNICIPAL', instanceKey: '03241001', register: 'MELDEREGISTER' }) };
    const admission = admit(forged, { topic: 'e2e1.regsync.out.municipal-register.03241001' });
    expect(admission).toMatchObject({ kind: 'reject', code: 'not-authoritative' });
    expect(admission.kind === 'reject' && admission.reason).toContain('14612000');
  });

  it('rejects a name change sent by a state register as not-authoritative', () => {
    const nameChange: NameChanged = {
      envelope: envelope('NameChanged', { level: 'STATE', instanceKey: '14', register: 'LANDESMELDEREGISTER' }),
      idnr: '36574261809',
      familyName: 'Köhler',
      givenNames: 'Anna',
      previousFamilyName: 'Schmidt',
      reason: 'MARRIAGE',
      maritalStatus: 'MARRIED',
      effectiveOn: new Date(Date.UTC(2026, 5, 2)),
    };
    expect(admit(nameChange, { topic: 'e2e1.regsync.out.state-register.14' })).toMatchObject({ kind: 'reject', code: 'not-authoritative' });
  });

  it('applies the content rules: text outside DIN 91379 is invalid-text, an implausible move implausible', () => {
    expect(admit({ ...registration, givenNames: 'An\u202Ena' }, fromDresden)).toMatchObject({ kind: 'reject', code: 'invalid-text' });
    expect(admit({ ...registration, movedInOn: new Date(Date.UTC(1980, 0, 1)) }, fromDresden)).toMatchObject({ kind: 'reject', code: 'implausible' });
  });
});
