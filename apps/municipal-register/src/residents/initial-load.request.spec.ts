import { INITIAL_LOAD_MAX_BATCH, initialLoadExample, initialLoadRequest } from './initial-load.request';

const person = initialLoadExample.residents[0];
const problems = (body: unknown) => {
  const result = initialLoadRequest.safeParse(body);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('initialLoadRequest', () => {
  it('takes a batch of up to INITIAL_LOAD_MAX_BATCH persons, whose JSON stays under the 64 KiB body limit', () => {
    const full = { residents: Array.from({ length: INITIAL_LOAD_MAX_BATCH }, () => ({ ...person, familyName: 'Müller-Lüdenscheidt'.repeat(3), givenNames: 'Karl-Theodor Maria Nikolaus' })) };
    expect(problems(full)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(full))).toBeLessThan(64 * 1024);
  });

  it('refuses an empty batch and one past the limit', () => {
    expect(problems({ residents: [] })).toEqual(['residents: at least one person']);
    expect(problems({ residents: Array.from({ length: INITIAL_LOAD_MAX_BATCH + 1 }, () => person) })).toEqual([`residents: at most ${INITIAL_LOAD_MAX_BATCH} persons per batch`]);
  });

  it('names the index of a person with a previous address: nobody moves in an initial load', () => {
    const moving = { ...person, previousAddress: { ...person.address, municipalityKey: '14612000', city: 'Dresden', postalCode: '01099' } };
    expect(problems({ residents: [person, moving] })).toEqual(['residents.1.previousAddress: must be null: an initial load registers persons who already live here, nobody moves']);
  });

  it('checks each person by the rules of an Anmeldung', () => {
    expect(problems({ residents: [person, { ...person, idnr: '12345678901' }] })).toEqual([expect.stringMatching(/^residents\.1\.idnr: /)]);
  });
});
