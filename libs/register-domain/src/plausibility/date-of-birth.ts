import { formatCalendarDate } from '../calendar-date';

/**
 * The earliest date of birth a register accepts. The oldest person whose age was ever verified reached 122 years
 * (Jeanne Calment, 1875-1997); nobody born before 1890 can be alive in the registers' lifetime (136 years in 2026),
 * and the Melderegister and the Personenstandsregister record living persons (§ 3 BMG, § 1 PStG). A fixed day, not
 * "today minus n years", so an event accepted once is judged the same by a consumer that replays it years later.
 */
export const EARLIEST_DATE_OF_BIRTH = '1890-01-01';

/** The broken plausibility rule of a date of birth ("not in the future" is judged at the request: pastDateField). */
export function dateOfBirthViolation(dateOfBirth: Date): string | undefined {
  const day = formatCalendarDate(dateOfBirth);
  if (day < EARLIEST_DATE_OF_BIRTH) return `${day} is before the earliest accepted date of birth ${EARLIEST_DATE_OF_BIRTH}`;
  return undefined;
}
