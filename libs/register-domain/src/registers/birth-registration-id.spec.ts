import { birthRegistrationId, birthRegistrationIdViolation } from './birth-registration-id';

describe('birth registration ids', () => {
  it("accepts an id of this Standesamt's Geburtenregister", () => {
    expect(birthRegistrationIdViolation(birthRegistrationId('03404000', 2026, 123), '03404000')).toBeUndefined();
  });

  it("refuses another Standesamt's id and a malformed one, saying what is expected", () => {
    expect(birthRegistrationIdViolation('14612000-G-2026-000123', '03404000')).toBe("must start with this Standesamt's AGS 03404000");
    expect(birthRegistrationIdViolation('G 123/2026', '03404000')).toMatch(/^must be <AGS>-G-<year>-<6 digits>/);
  });
});
