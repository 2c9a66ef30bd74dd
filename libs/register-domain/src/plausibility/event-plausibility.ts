import type { EventType } from '../event-type';
import type { Violation } from '../validation-error';
import { dateOfBirthViolation } from './date-of-birth';
import { birthPlausibilityViolations, residencePlausibilityViolations, type BirthFacts, type ResidenceFacts } from './person-plausibility';

/**
 * The plausibility rules a consumer applies to an event, the API's own functions. Left out on purpose: "not in
 * the future" (judged by the producer on the day of the request) and "a postal code that exists" (the list
 * changes): a replay must not refuse an event that was right when it was written.
 */
const EVENT_PLAUSIBILITY: Partial<Record<EventType, (payload: Record<string, unknown>) => Violation[]>> = {
  ResidenceRegistered: (payload) => residencePlausibilityViolations(payload as unknown as ResidenceFacts),
  BirthRecorded: (payload) => birthPlausibilityViolations(payload as unknown as BirthFacts),
  IdNrRequested: (payload) => {
    const rule = dateOfBirthViolation(payload.dateOfBirth as Date);
    return rule ? [{ field: 'dateOfBirth', rule }] : [];
  },
};

/** Every plausibility violation of an event payload; none for event types without rules. */
export function eventPlausibilityViolations(eventType: string, payload: Record<string, unknown>): Violation[] {
  return EVENT_PLAUSIBILITY[eventType as EventType]?.(payload) ?? [];
}
