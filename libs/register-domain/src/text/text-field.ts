import { din91379Violation, type Din91379DataType } from './din-91379';

/** How long a text field may be and which DIN 91379 data type its characters belong to. */
export interface TextRule {
  maxLength: number;
  dataType: Din91379DataType;
}

/**
 * A text as every register stores it: without leading and trailing spaces, in NFC (a decomposed "é" and a composed
 * one are one name). Only U+0020 is trimmed: String.trim would also drop a byte order mark or a no-break space
 * unnoticed, which the DIN 91379 check refuses instead.
 */
export function normalizedText(value: string): string {
  return value.replace(/^ +| +$/g, '').normalize('NFC');
}

/** The broken rule of a text field (required, not empty, length, DIN 91379 characters), judged on its normalised form. */
export function textViolation(value: unknown, rule: TextRule): string | undefined {
  if (value === undefined || value === null) return 'is required';
  if (typeof value !== 'string') return 'must be text';
  const text = normalizedText(value);
  if (text === '') return 'must not be empty';
  if (text.length > rule.maxLength) return `must be at most ${rule.maxLength} characters`;
  return din91379Violation(text, rule.dataType);
}
