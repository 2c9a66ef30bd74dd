import { formatCalendarDate } from '../calendar-date';
import { samePostalAddress, type PostalAddress } from '../postal-address';
import type { Violation } from '../validation-error';
import { dateOfBirthViolation } from './date-of-birth';

/**
 * Plausibility of what a person's events say, checked on the API and again by every consumer of the event (same
 * functions). Only rules that hold whatever the day of checking, so a replayed event is judged as it was when written.
 */

export interface ResidenceFacts {
  dateOfBirth: Date;
  movedInOn: Date;
  address: PostalAddress;
  previousAddress: PostalAddress | null;
}

export interface BirthFacts {
  dateOfBirth: Date;
  parentIdnrs?: readonly string[];
}

/** Anmeldung (§ 17 BMG): nobody moves in before being born, and a move leaves one address for another. */
export function residencePlausibilityViolations(residence: ResidenceFacts): Violation[] {
  const violations: Violation[] = [];
  const dateOfBirth = dateOfBirthViolation(residence.dateOfBirth);
  if (dateOfBirth) violations.push({ field: 'dateOfBirth', rule: dateOfBirth });
  const movedInOn = beforeBirthViolation(residence.movedInOn, residence.dateOfBirth);
  if (movedInOn) violations.push({ field: 'movedInOn', rule: movedInOn });
  if (residence.previousAddress && samePostalAddress(residence.previousAddress, residence.address)) {
    violations.push({ field: 'previousAddress', rule: 'must differ from the new address (a move within one address is no Anmeldung)' });
  }
  return violations;
}

/** Beurkundung der Geburt (§ 21 PStG): a plausible date, and a child has two different parents at most. */
export function birthPlausibilityViolations(birth: BirthFacts): Violation[] {
  const violations: Violation[] = [];
  const dateOfBirth = dateOfBirthViolation(birth.dateOfBirth);
  if (dateOfBirth) violations.push({ field: 'dateOfBirth', rule: dateOfBirth });
  // A route may leave the parents out (the Melderegister gets none).
  if (birth.parentIdnrs && new Set(birth.parentIdnrs).size !== birth.parentIdnrs.length) violations.push({ field: 'parentIdnrs', rule: 'must name two different parents, not one parent twice' });
  return violations;
}

/** Nothing (a move, a name change, a death) takes effect before the person's birth. */
export function beforeBirthViolation(date: Date, dateOfBirth: Date | string): string | undefined {
  const day = formatCalendarDate(date);
  const birth = typeof dateOfBirth === 'string' ? dateOfBirth : formatCalendarDate(dateOfBirth);
  return day < birth ? `${day} is before the date of birth ${birth}` : undefined;
}
