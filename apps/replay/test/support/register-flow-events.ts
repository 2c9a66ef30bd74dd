import { randomUUID } from 'node:crypto';
import { EventPayload, EventType, EventTypes, RegisterKind, RegsyncEvent } from '@regsync/contracts/generated/events';
import { generateIdnr } from '@regsync/register-domain/identifiers';

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);
export const OSNABRUECK = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
export const DRESDEN = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: '14612000' };

/** Events as municipal registers emit them: one version counter per subject and sending register. */
export class FlowEvents {
  private readonly versions = new Map<string, number>();
  readonly events: RegsyncEvent[] = [];

  emit<T extends EventType>(eventType: T, instanceKey: string, register: RegisterKind, subjectId: string, payload: EventPayload<T>): EventTypes[T] {
    const versionKey = `${instanceKey}/${register}/${subjectId}`;
    const subjectVersion = (this.versions.get(versionKey) ?? 0) + 1;
    this.versions.set(versionKey, subjectVersion);
    const event = {
      envelope: {
        eventId: randomUUID(),
        eventType,
        occurredAt: new Date(),
        source: { level: 'MUNICIPAL', instanceKey, register },
        subject: { kind: 'PERSON', id: subjectId },
        subjectVersion,
        correlationId: randomUUID(),
        causationId: null,
        legalBasis: '§ 33 BMG',
      },
      ...payload,
    } as unknown as EventTypes[T];
    this.events.push(event);
    return event;
  }

  registerInOsnabrueck(idnr: string, familyName = 'Schmidt'): void {
    this.emit('ResidenceRegistered', '03404000', 'MELDEREGISTER', idnr, {
      idnr, familyName, givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: day('1990-03-14'), address: OSNABRUECK, movedInOn: day('2018-04-01'), previousAddress: null, dwellingStatus: 'HAUPTWOHNUNG',
    });
  }

  /** Flow 2: the citizen registers in Dresden only; Osnabrück reports the move-out (Rückmeldung). */
  moveToDresden(idnr: string, familyName = 'Schmidt'): void {
    this.emit('ResidenceRegistered', '14612000', 'MELDEREGISTER', idnr, {
      idnr, familyName, givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: day('1990-03-14'), address: DRESDEN, movedInOn: day('2026-11-01'), previousAddress: OSNABRUECK, dwellingStatus: 'HAUPTWOHNUNG',
    });
    this.emit('MovedOut', '03404000', 'MELDEREGISTER', idnr, { idnr, movedOutOn: day('2026-11-01'), fromMunicipalityKey: '03404000', toMunicipalityKey: '14612000' });
  }

  /** Flow 3: a marriage at the Standesamt of the residence municipality. */
  marryInOsnabrueck(idnr: string, familyName: string): void {
    this.emit('NameChanged', '03404000', 'PERSONENSTANDSREGISTER', idnr, {
      idnr, familyName, givenNames: 'Anna', previousFamilyName: 'Schmidt', reason: 'MARRIAGE', maritalStatus: 'MARRIED', effectiveOn: day('2026-05-02'),
    });
  }

  /** Flow 4. */
  dieInOsnabrueck(idnr: string): void {
    this.emit('DeathRecorded', '03404000', 'PERSONENSTANDSREGISTER', idnr, { idnr, dateOfDeath: day('2026-11-24'), placeOfDeath: 'Osnabrück' });
  }

  /** A name outside DIN 91379 (the router refuses it; were it delivered, every register would refuse it too). */
  nameChangeWithInvalidText(idnr: string): void {
    this.emit('NameChanged', '03404000', 'PERSONENSTANDSREGISTER', idnr, {
      idnr, familyName: 'Fal\u202Esch', givenNames: 'Anna', previousFamilyName: 'Schmidt', reason: 'MARRIAGE', maritalStatus: 'MARRIED', effectiveOn: day('2026-05-02'),
    });
  }

  /** Every flow that reaches Niedersachsen's Landesmelderegister, for `people` citizens of Osnabrück. */
  static demoFlowsForNiedersachsen(people: number): FlowEvents {
    const flows = new FlowEvents();
    const unique = new Set<string>();
    while (unique.size < people) unique.add(generateIdnr());
    const idnrs = [...unique];
    idnrs.forEach((idnr) => flows.registerInOsnabrueck(idnr));
    idnrs.forEach((idnr, n) => {
      if (n % 4 === 1) flows.moveToDresden(idnr);
      if (n % 4 === 2) flows.marryInOsnabrueck(idnr, `Weber-${lettersOf(n)}`);
      if (n % 4 === 3) flows.dieInOsnabrueck(idnr);
    });
    flows.nameChangeWithInvalidText(idnrs[0]);
    return flows;
  }
}

/** `n` in letters (0 → A, 26 → BA): a different married name per person that is still a name of DIN 91379 (no digits). */
function lettersOf(n: number): string {
  return Array.from(n.toString(26), (digit) => String.fromCharCode(65 + parseInt(digit, 26))).join('');
}
