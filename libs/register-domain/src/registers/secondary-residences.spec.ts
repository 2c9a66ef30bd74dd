import type { Address } from '@regsync/contracts/generated/events';
import { DomainValidationError } from '../validation-error';
import { dwellingOf, registerSecondaryResidence } from './secondary-residences';

const address: Address = { street: 'Große Straße', houseNumber: '12 a', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
const input = { idnr: '36574261809', address, movedInOn: new Date('2026-11-01T00:00:00Z') };

describe('Nebenwohnungen (§ 21 BMG)', () => {
  it('registers a dwelling in this municipality, current until a move out', () => {
    expect(registerSecondaryResidence(undefined, input, '03404000', 'buergeramt')).toEqual({
      idnr: '36574261809',
      dwelling: '49074|große straße|12 a',
      address,
      movedInOn: '2026-11-01',
      movedOutOn: null,
      registeredBy: 'buergeramt',
    });
  });

  it('knows a dwelling again whatever the case and spacing', () => {
    expect(dwellingOf({ ...address, street: ' GROSSE  straße ', houseNumber: '12  A' })).not.toBe(dwellingOf(address));
    expect(dwellingOf({ ...address, street: 'große  Straße ', houseNumber: '12 A' })).toBe(dwellingOf(address));
  });

  it('refuses a dwelling elsewhere and one registered already, naming field and rule', () => {
    expect(() => registerSecondaryResidence(undefined, { ...input, address: { ...address, municipalityKey: '14612000' } }, '03404000', 'a')).toThrow(
      new DomainValidationError('address.municipalityKey', 'must be this municipality (03404000): a Nebenwohnung is registered where it lies'),
    );
    const held = registerSecondaryResidence(undefined, input, '03404000', 'a');
    expect(() => registerSecondaryResidence(held, input, '03404000', 'a')).toThrow(/address: is a Nebenwohnung of this person since 2026-11-01 already/);
    expect(registerSecondaryResidence({ ...held, movedOutOn: '2026-11-20' }, input, '03404000', 'b')).toMatchObject({ movedOutOn: null, registeredBy: 'b' });
  });
});
