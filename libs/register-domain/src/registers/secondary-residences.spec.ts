import type { Address } from '@regsync/contracts/generated/events';
import { DomainValidationError } from '../validation-error';
import { RegisterRejection } from './register-rejection';
import { dwellingOf, endSecondaryResidenceByDeath, moveOutOfSecondaryResidence, registerSecondaryResidence } from './secondary-residences';

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
      movedOutBy: null,
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

  const day = (date: string) => new Date(`${date}T00:00:00Z`);
  const held = registerSecondaryResidence(undefined, input, '03404000', 'buergeramt');

  it('ends a current Nebenwohnung on the day moved out (Abmeldung, § 17 Abs. 2 BMG), the move-in day included, with who ended it', () => {
    expect(moveOutOfSecondaryResidence(held, day('2027-03-31'), 'buergeramt-nord')).toEqual({ ...held, movedOutOn: '2027-03-31', movedOutBy: 'buergeramt-nord' });
    expect(moveOutOfSecondaryResidence(held, day('2026-11-01'), 'a')).toMatchObject({ movedInOn: '2026-11-01', movedOutOn: '2026-11-01' });
  });

  it('refuses a move out before the move in, naming field and rule, and one of a Nebenwohnung ended already', () => {
    expect(() => moveOutOfSecondaryResidence(held, day('2026-10-31'), 'a')).toThrow(new DomainValidationError('movedOutOn', 'must not be before the move in (2026-11-01)'));
    const ended = { ...held, movedOutOn: '2027-01-15', movedOutBy: 'a' };
    expect(() => moveOutOfSecondaryResidence(ended, day('2027-02-01'), 'b')).toThrow(RegisterRejection);
    expect(() => moveOutOfSecondaryResidence(ended, day('2027-02-01'), 'b')).toThrow(/ended on 2027-01-15 already/);
  });

  it('ends a current Nebenwohnung on the date of death, and moves an end after the death back to it', () => {
    const death = { dateOfDeath: day('2027-05-04') };
    expect(endSecondaryResidenceByDeath(held, death)).toEqual({ ...held, movedOutOn: '2027-05-04', movedOutBy: null });
    expect(endSecondaryResidenceByDeath({ ...held, movedOutOn: '2027-06-01', movedOutBy: 'a' }, death)).toEqual({ ...held, movedOutOn: '2027-05-04', movedOutBy: null });
  });

  it('leaves a Nebenwohnung ended before or on the date of death as it is, and none where there is none', () => {
    const ended = { ...held, movedOutOn: '2027-05-04', movedOutBy: 'a' };
    expect(endSecondaryResidenceByDeath(ended, { dateOfDeath: day('2027-05-04') })).toBe(ended);
    expect(endSecondaryResidenceByDeath(undefined, { dateOfDeath: day('2027-05-04') })).toBeUndefined();
  });
});
