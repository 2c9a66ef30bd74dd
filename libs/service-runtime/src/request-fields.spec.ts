import { z } from 'zod';
import { httpErrorOf } from './http-error';
import { pastDateField, personNameField, postalAddressField, textField } from './request-fields';
import { openApiSchemaOf } from './zod-body.pipe';

const address = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
const schema = z.object({ familyName: personNameField(100), placeOfBirth: textField(100), residence: postalAddressField, dateOfBirth: pastDateField });

function violationsOf(body: unknown) {
  const result = schema.safeParse(body);
  return result.success ? [] : httpErrorOf(result.error).body.violations;
}

describe('request fields', () => {
  it('parses names and addresses to their stored form: trimmed and NFC', () => {
    const parsed = schema.parse({ familyName: ' Mu\u0308ller ', placeOfBirth: 'Osnabru\u0308ck', residence: { ...address, street: 'Gro\u00DFe Stra\u00DFe', city: 'Osnabru\u0308ck' }, dateOfBirth: '1990-03-14' });
    expect(parsed).toMatchObject({ familyName: 'Müller', placeOfBirth: 'Osnabrück', residence: address });
  });

  it('refuses a text outside DIN 91379 with the field, the rule and the position', () => {
    expect(violationsOf({ familyName: 'Mül\u0000ler', placeOfBirth: 'Osna\u202Ebrück', residence: { ...address, city: 'Osnabrück😀' }, dateOfBirth: '1990-03-14' })).toEqual([
      { field: 'familyName', rule: expect.stringMatching(/^character U\+0000 at position 4 is not allowed: must consist of DIN 91379 data type A/) },
      { field: 'placeOfBirth', rule: expect.stringMatching(/^character U\+202E at position 5 is not allowed: must consist of DIN 91379 data type B/) },
      { field: 'residence.city', rule: expect.stringMatching(/^character U\+1F600 at position 10 is not allowed/) },
    ]);
  });

  it('parses 0001-01-01 as a calendar date of the year 1 (plausibility decides about it, see the request schemas)', () => {
    const birth = z.object({ dateOfBirth: pastDateField });
    expect(birth.parse({ dateOfBirth: '0001-01-01' }).dateOfBirth.getUTCFullYear()).toBe(1);
  });

  it('shows the text rule in the OpenAPI description of each text field', () => {
    const properties = openApiSchemaOf(schema, { familyName: 'Müller', placeOfBirth: 'Osnabrück', residence: address, dateOfBirth: '1990-03-14' }).properties as Record<string, { description?: string; properties?: Record<string, { description?: string }> }>;
    expect(properties.familyName.description).toMatch(/NFC.*DIN 91379 data type A/);
    expect(properties.placeOfBirth.description).toMatch(/NFC.*DIN 91379 data type B/);
    expect(properties.residence.properties?.street.description).toMatch(/DIN 91379 data type B/);
    expect(properties.residence.properties?.postalCode.description).toMatch(/exists/);
  });
});
