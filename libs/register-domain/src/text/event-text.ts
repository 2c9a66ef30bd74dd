import type { Violation } from '../validation-error';
import { din91379Violation, type Din91379DataType } from './din-91379';

/** Event fields that hold names of natural persons (DIN 91379 data type A); every other text of an event is type B. */
const PERSON_NAME_FIELDS: ReadonlySet<string> = new Set(['familyName', 'givenNames', 'previousFamilyName']);

/**
 * The consumer's side of the text rule: every text of an event payload (envelope excluded) in NFC, and the
 * violations of DIN 91379 with their field paths (`residence.street`). The same check as the API's, so an event
 * that a register could not have accepted from an agency is not accepted from the log either.
 */
export function normalizedEventText(payload: Record<string, unknown>): { payload: Record<string, unknown>; violations: Violation[] } {
  const violations: Violation[] = [];
  const normalized: Record<string, unknown> = {};
  for (const key of Object.keys(payload)) {
    normalized[key] = normalizedValue(payload[key], PERSON_NAME_FIELDS.has(key) ? 'A' : 'B', [key], violations);
  }
  return { payload: normalized, violations };
}

// Runs for every event a register consumes: loops and one path stack, the path is joined only for a violation.
function normalizedValue(value: unknown, dataType: Din91379DataType, path: string[], violations: Violation[]): unknown {
  if (typeof value === 'string') {
    const text = value.normalize('NFC');
    const rule = din91379Violation(text, dataType);
    if (rule) violations.push({ field: path.join('.'), rule });
    return text;
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown, index) => {
      path.push(String(index));
      const result = normalizedValue(item, dataType, path, violations);
      path.pop();
      return result;
    });
  }
  if (isRecord(value)) {
    const record: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      path.push(key);
      record[key] = normalizedValue(value[key], dataType, path, violations);
      path.pop();
    }
    return record;
  }
  return value;
}

/** A nested record (an Address), not a Date or bytes. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof Date) && !ArrayBuffer.isView(value);
}
