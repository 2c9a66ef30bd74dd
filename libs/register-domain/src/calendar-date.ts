import { DomainValidationError } from './validation-error';

/** A calendar date (Avro `date`) is a Date at UTC midnight; these functions keep it that way. */
export function parseCalendarDate(value: unknown, field = 'date'): Date {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  if (!match) throw new DomainValidationError(field, 'must be a date YYYY-MM-DD');
  const [year, month, day] = match.slice(1).map(Number);
  // setUTCFullYear, not Date.UTC, which reads years 0-99 as 1900-1999 (0001-01-01 became 1901-01-01).
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  // 2026-02-30 rolls over to 2026-03-02; a round trip exposes that.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new DomainValidationError(field, `${value as string} is not a calendar date`);
  }
  return date;
}

export function formatCalendarDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The calendar day (UTC midnight) of a point in time. */
export function calendarDateOf(instant: Date): Date {
  return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
}

/** For dates that cannot lie in the future (birth, death, move-in); `today` is passed in, never read here. */
export function assertPastOrToday(date: Date, field: string, today: Date): void {
  if (calendarDateOf(date).getTime() > calendarDateOf(today).getTime()) {
    throw new DomainValidationError(field, `must not be in the future (today is ${formatCalendarDate(today)})`);
  }
}
