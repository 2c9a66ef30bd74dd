import { assertPastOrToday, calendarDateOf, formatCalendarDate, parseCalendarDate } from './calendar-date';
import { DomainValidationError } from './validation-error';

describe('calendar date', () => {
  it('parses YYYY-MM-DD to UTC midnight and formats it back', () => {
    const date = parseCalendarDate('2024-02-29', 'dateOfBirth');
    expect(date.toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(formatCalendarDate(date)).toBe('2024-02-29');
  });

  it.each(['2026-02-30', '2025-02-29', '2026-13-01', '2026-04-31', '2026-00-10'])('rejects the non-date %s', (v) => {
    expect(() => parseCalendarDate(v, 'dateOfBirth')).toThrow(
      new DomainValidationError('dateOfBirth', `${v} is not a calendar date`),
    );
  });

  it('parses the years 0000-0099 as themselves, not as 19xx', () => {
    expect(formatCalendarDate(parseCalendarDate('0001-01-01'))).toBe('0001-01-01');
    expect(parseCalendarDate('0099-12-31').getUTCFullYear()).toBe(99);
  });

  it.each(['2026-1-01', '01.02.2026', '2026-01-01T00:00:00Z', '', 20260101])('rejects the malformed %p', (v) => {
    expect(() => parseCalendarDate(v, 'movedInOn')).toThrow(
      new DomainValidationError('movedInOn', 'must be a date YYYY-MM-DD'),
    );
  });

  it('accepts today and the past, rejects the future', () => {
    const today = new Date('2026-03-15T23:30:00Z');
    expect(() => assertPastOrToday(parseCalendarDate('2026-03-15'), 'dateOfDeath', today)).not.toThrow();
    expect(() => assertPastOrToday(parseCalendarDate('1990-01-01'), 'dateOfDeath', today)).not.toThrow();
    expect(() => assertPastOrToday(parseCalendarDate('2026-03-16'), 'dateOfDeath', today)).toThrow(
      new DomainValidationError('dateOfDeath', 'must not be in the future (today is 2026-03-15)'),
    );
  });

  it('reduces an instant to its UTC calendar day', () => {
    expect(calendarDateOf(new Date('2026-03-15T23:30:00Z')).toISOString()).toBe('2026-03-15T00:00:00.000Z');
  });
});
