import type { Address, DeathRecorded } from '@regsync/contracts/generated/events';
import { formatCalendarDate } from '../calendar-date';
import { DomainValidationError } from '../validation-error';
import { RegisterRejection } from './register-rejection';

/**
 * A Nebenwohnung of a person in this municipality (§ 21 BMG: besides the one Hauptwohnung a person may have further
 * dwellings; § 3 Abs. 1 Nr. 12 BMG: the Melderegister keeps each current address marked as Haupt- or Nebenwohnung).
 * One entry per person and dwelling, kept after the move out (`movedOutOn`) like every past address.
 */
export interface SecondaryResidence {
  idnr: string;
  /** The dwelling's identity within the person's entries: postal code, street and house number, normalised. */
  dwelling: string;
  address: Address;
  movedInOn: string;
  movedOutOn: string | null;
  /** The agency that registered it (who did what). */
  registeredBy: string;
  /** The agency that registered the Abmeldung; null while it is current, and when the holder's death ended it. */
  movedOutBy: string | null;
}

export interface SecondaryResidenceInput {
  idnr: string;
  address: Address;
  movedInOn: Date;
}

/** The same dwelling whatever the case and spacing of street and house number. */
export function dwellingOf(address: Address): string {
  const normalised = (text: string) => text.normalize('NFC').toLocaleLowerCase('de-DE').replace(/\s+/g, ' ').trim();
  return [address.postalCode, normalised(address.street), normalised(address.houseNumber)].join('|');
}

/**
 * The Anmeldung of a Nebenwohnung here: the address must lie in this municipality, and the person must not be
 * registered at that dwelling already (one entry per dwelling; a dwelling moved out of may be registered again).
 */
export function registerSecondaryResidence(existing: SecondaryResidence | undefined, input: SecondaryResidenceInput, municipalityKey: string, agency: string): SecondaryResidence {
  if (input.address.municipalityKey !== municipalityKey) throw new DomainValidationError('address.municipalityKey', `must be this municipality (${municipalityKey}): a Nebenwohnung is registered where it lies`);
  if (existing && existing.movedOutOn === null) throw new DomainValidationError('address', `is a Nebenwohnung of this person since ${existing.movedInOn} already`);
  return { idnr: input.idnr, dwelling: dwellingOf(input.address), address: input.address, movedInOn: formatCalendarDate(input.movedInOn), movedOutOn: null, registeredBy: agency, movedOutBy: null };
}

/**
 * The Abmeldung of a Nebenwohnung (§ 17 Abs. 2 BMG): it ends on the day moved out, which cannot lie before the move
 * in. A Nebenwohnung ended already (moved out, or its holder died) is refused: its end is not moved.
 */
export function moveOutOfSecondaryResidence(existing: SecondaryResidence, movedOutOn: Date, agency: string): SecondaryResidence {
  const day = formatCalendarDate(movedOutOn);
  if (existing.movedOutOn !== null) throw new RegisterRejection('moved-out-already', `the Nebenwohnung of ${existing.idnr} ended on ${existing.movedOutOn} already`);
  if (day < existing.movedInOn) throw new DomainValidationError('movedOutOn', `must not be before the move in (${existing.movedInOn})`);
  return { ...existing, movedOutOn: day, movedOutBy: agency };
}

/**
 * A death ends every Nebenwohnung of the person on the date of death (so its retention starts): a current one, and
 * one whose recorded end lies after the death. One that ended before the death stays as it is.
 */
export function endSecondaryResidenceByDeath(existing: SecondaryResidence | undefined, death: Pick<DeathRecorded, 'dateOfDeath'>): SecondaryResidence | undefined {
  const dateOfDeath = formatCalendarDate(death.dateOfDeath);
  if (!existing || (existing.movedOutOn !== null && existing.movedOutOn <= dateOfDeath)) return existing;
  return { ...existing, movedOutOn: dateOfDeath, movedOutBy: null };
}
