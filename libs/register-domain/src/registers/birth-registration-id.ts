/**
 * Registration id of a birth in the Geburtenregister, `<AGS>-G-<year>-<6-digit sequence>`
 * (e.g. 03404000-G-2026-000001). It identifies the child until the BZSt has assigned an IdNr.
 */
export function birthRegistrationId(ags: string, year: number, sequence: number): string {
  return `${ags}-G-${year}-${String(sequence).padStart(6, '0')}`;
}

export function isBirthRegistrationId(value: unknown): value is string {
  return typeof value === 'string' && /^\d{8}-G-\d{4}-\d{6}$/.test(value);
}

/** Why `value` cannot be a birth registration id of the Standesamt of `ags`, or undefined when it can. */
export function birthRegistrationIdViolation(value: string, ags: string): string | undefined {
  if (!isBirthRegistrationId(value)) return 'must be <AGS>-G-<year>-<6 digits>, e.g. 03404000-G-2026-000001';
  if (!value.startsWith(`${ags}-`)) return `must start with this Standesamt's AGS ${ags}`;
  return undefined;
}
