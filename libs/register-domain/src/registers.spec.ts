import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ADMINISTRATIVE_LEVELS,
  describeRegisterAddress,
  levelOfRegister,
  REGISTER_KINDS,
  registerAddressViolation,
} from './registers';

const envelopeEnums = () => {
  const file = join(__dirname, '../../../schemas/person', readdirSync(join(__dirname, '../../../schemas/person'))[0]);
  const source = JSON.parse(readFileSync(file, 'utf8')).fields[0].type.fields.find(
    (f: { name: string }) => f.name === 'source',
  );
  const symbolsOf = (name: string) => source.type.fields.find((f: { name: string }) => f.name === name).type.symbols;
  return { levels: symbolsOf('level'), registers: symbolsOf('register') };
};

describe('registers', () => {
  it('uses exactly the Avro enum symbols of the event envelope', () => {
    const { levels, registers } = envelopeEnums();
    expect(ADMINISTRATIVE_LEVELS).toEqual(levels);
    expect(REGISTER_KINDS).toEqual(registers);
  });

  it('knows which level keeps which register', () => {
    expect(levelOfRegister('GRUNDSTEUER')).toBe('MUNICIPAL');
    expect(levelOfRegister('LIEGENSCHAFTSKATASTER')).toBe('STATE');
    expect(levelOfRegister('IDNR_BASISDATEN')).toBe('FEDERAL');
  });

  it('accepts well-formed register addresses of every level', () => {
    expect(registerAddressViolation({ level: 'MUNICIPAL', instanceKey: '14612000', register: 'MELDEREGISTER' })).toBeUndefined();
    expect(registerAddressViolation({ level: 'STATE', instanceKey: '14', register: 'LANDESMELDEREGISTER' })).toBeUndefined();
    expect(registerAddressViolation({ level: 'FEDERAL', instanceKey: 'DE', register: 'IDNR_BASISDATEN' })).toBeUndefined();
  });

  it('rejects a register at the wrong level or a key that does not fit the level', () => {
    expect(registerAddressViolation({ level: 'STATE', instanceKey: '14', register: 'MELDEREGISTER' })).toBe(
      'MELDEREGISTER is not kept at STATE level',
    );
    expect(registerAddressViolation({ level: 'STATE', instanceKey: '17', register: 'LANDESMELDEREGISTER' })).toBe(
      'a state instance key must be a Land code 01–16',
    );
    expect(registerAddressViolation({ level: 'FEDERAL', instanceKey: 'BZSt', register: 'IDNR_BASISDATEN' })).toBe(
      'the federal instance key is DE',
    );
    expect(registerAddressViolation({ level: 'MUNICIPAL', instanceKey: '14', register: 'GRUNDSTEUER' })).toBe(
      'a municipal instance key must be an AGS (8 digits)',
    );
  });

  it('describes a register instance for reasons and logs', () => {
    expect(describeRegisterAddress({ level: 'STATE', instanceKey: '14', register: 'LANDESMELDEREGISTER' })).toBe(
      'STATE 14 LANDESMELDEREGISTER',
    );
  });
});
