import { httpErrorOf, openApiSchemaOf } from '@regsync/service-runtime/agency-api';
import { registerResidenceExample, registerResidenceRequest } from './register-residence.request';

const osnabrueck = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
const dresden = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: '14612000' };
const anmeldung = { idnr: '36574261809', familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: '1990-03-14', address: osnabrueck, movedInOn: '2018-04-01', previousAddress: dresden };

function violationsOf(body: Record<string, unknown>) {
  const result = registerResidenceRequest.safeParse(body);
  return result.success ? [] : httpErrorOf(result.error).body.violations;
}

describe('registerResidence request', () => {
  it('accepts a plausible Anmeldung', () => {
    expect(violationsOf(anmeldung)).toEqual([]);
  });

  it('refuses 0001-01-01 and 1850-01-01 as dates of birth with the plausibility reason', () => {
    expect(violationsOf({ ...anmeldung, dateOfBirth: '0001-01-01' })).toEqual([{ field: 'dateOfBirth', rule: '0001-01-01 is before the earliest accepted date of birth 1890-01-01' }]);
    expect(violationsOf({ ...anmeldung, dateOfBirth: '1850-01-01' })).toEqual([{ field: 'dateOfBirth', rule: '1850-01-01 is before the earliest accepted date of birth 1890-01-01' }]);
  });

  it('refuses a move-in before the birth, an unknown postal code and a previous address equal to the new one', () => {
    expect(violationsOf({ ...anmeldung, movedInOn: '1990-03-13' })).toEqual([{ field: 'movedInOn', rule: '1990-03-13 is before the date of birth 1990-03-14' }]);
    expect(violationsOf({ ...anmeldung, address: { ...osnabrueck, postalCode: '00000' } })).toEqual([{ field: 'address.postalCode', rule: '00000 is not a German postal code (Deutsche Post list, package german-postal-codes)' }]);
    expect(violationsOf({ ...anmeldung, previousAddress: { ...osnabrueck, street: 'Gro\u00DFe Stra\u00DFe ' } })).toEqual([{ field: 'previousAddress', rule: 'must differ from the new address (a move within one address is no Anmeldung)' }]);
  });

  it("takes the dwelling's status, HAUPTWOHNUNG when not given, and refuses any other value naming the field", () => {
    expect(registerResidenceRequest.parse(anmeldung).dwellingStatus).toBe('HAUPTWOHNUNG');
    expect(registerResidenceRequest.parse({ ...anmeldung, dwellingStatus: 'NEBENWOHNUNG' }).dwellingStatus).toBe('NEBENWOHNUNG');
    expect(violationsOf({ ...anmeldung, dwellingStatus: 'ZWEITWOHNUNG' })).toEqual([{ field: 'dwellingStatus', rule: expect.stringMatching(/HAUPTWOHNUNG.*NEBENWOHNUNG/) }]);
  });

  it("documents the dwelling's status in the OpenAPI schema with its values, default and example", () => {
    const schema = openApiSchemaOf(registerResidenceRequest, registerResidenceExample) as { properties: Record<string, { enum?: string[]; default?: string; description?: string }>; required?: string[]; example?: Record<string, unknown> };
    expect(schema.properties.dwellingStatus).toMatchObject({ enum: ['HAUPTWOHNUNG', 'NEBENWOHNUNG'], default: 'HAUPTWOHNUNG', description: expect.stringMatching(/§ 21 BMG/) });
    expect(schema.required).not.toContain('dwellingStatus');
    expect(schema.example).toMatchObject({ dwellingStatus: 'HAUPTWOHNUNG' });
  });

  it('describes the text rule of each name and address field in the OpenAPI schema', () => {
    const schema = openApiSchemaOf(registerResidenceRequest, registerResidenceExample) as { properties: Record<string, { description?: string; anyOf?: { properties?: Record<string, { description?: string }> }[]; properties?: Record<string, { description?: string }> }> };
    expect(schema.properties.familyName.description).toMatch(/NFC; must consist of DIN 91379 data type A/);
    expect(schema.properties.givenNames.description).toMatch(/DIN 91379 data type A/);
    expect(schema.properties.address.properties?.street.description).toMatch(/DIN 91379 data type B/);
    expect(JSON.stringify(schema.properties.previousAddress)).toMatch(/DIN 91379 data type B/);
  });
});
