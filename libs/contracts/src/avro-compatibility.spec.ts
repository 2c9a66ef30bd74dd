import { checkCompatibility } from './avro-compatibility';
import { InvalidAvroSchemaError } from './avro-schema';

type Field = { name: string; type: unknown; default?: unknown; aliases?: string[] };

function residenceRegistered(fields: Field[]) {
  return { type: 'record', name: 'ResidenceRegistered', namespace: 'de.regsync.person', fields };
}

const idnr: Field = { name: 'idnr', type: 'string' };
const street: Field = { name: 'street', type: 'string' };
const optionalNote: Field = { name: 'note', type: ['null', 'string'], default: null };

describe('checkCompatibility', () => {
  describe('BACKWARD (the new schema reads the latest)', () => {
    it('accepts a new field with a default', () => {
      expect(checkCompatibility(residenceRegistered([idnr, optionalNote]), [residenceRegistered([idnr])], 'BACKWARD')).toEqual({ compatible: true, messages: [] });
    });

    it('refuses a new field without a default and names it', () => {
      const result = checkCompatibility(residenceRegistered([idnr, street]), [residenceRegistered([idnr])], 'BACKWARD');
      expect(result.compatible).toBe(false);
      expect(result.messages).toEqual(['reader ResidenceRegistered (v2) cannot read data written by v1: field "street" has no default (v1 does not write it)']);
    });

    it('accepts a removed field, since the new reader skips it', () => {
      expect(checkCompatibility(residenceRegistered([idnr]), [residenceRegistered([idnr, street])], 'BACKWARD').compatible).toBe(true);
    });

    it('checks only the latest version, not older ones', () => {
      const v1 = residenceRegistered([idnr]);
      const v2 = residenceRegistered([idnr, street]);
      expect(checkCompatibility(residenceRegistered([idnr, street]), [v1, v2], 'BACKWARD').compatible).toBe(true);
    });
  });

  describe('BACKWARD_TRANSITIVE (the new schema reads every version)', () => {
    it('refuses a schema the oldest version cannot be read with, naming that version', () => {
      const v1 = residenceRegistered([idnr]);
      const v2 = residenceRegistered([idnr, street]);
      const result = checkCompatibility(residenceRegistered([idnr, street]), [v1, v2], 'BACKWARD_TRANSITIVE');
      expect(result.messages).toEqual(['reader ResidenceRegistered (v3) cannot read data written by v1: field "street" has no default (v1 does not write it)']);
    });
  });

  describe('FORWARD (the latest reads data written with the new schema)', () => {
    it('refuses removing a field the latest needs and names it', () => {
      const result = checkCompatibility(residenceRegistered([idnr]), [residenceRegistered([idnr, street])], 'FORWARD');
      expect(result.messages).toEqual(['reader ResidenceRegistered (v1) cannot read data written by v2: field "street" has no default (v2 does not write it)']);
    });

    it('accepts a new field without a default, since the old reader skips it', () => {
      expect(checkCompatibility(residenceRegistered([idnr, street]), [residenceRegistered([idnr])], 'FORWARD').compatible).toBe(true);
    });
  });

  describe('FORWARD_TRANSITIVE (every version reads data written with the new schema)', () => {
    it('refuses when an older version could not read the new data', () => {
      const v1 = residenceRegistered([idnr, street]);
      const v2 = residenceRegistered([idnr, { ...street, default: '' }]);
      const candidate = residenceRegistered([idnr]);
      expect(checkCompatibility(candidate, [v1, v2], 'FORWARD').compatible).toBe(true);
      expect(checkCompatibility(candidate, [v1, v2], 'FORWARD_TRANSITIVE').messages).toEqual(['reader ResidenceRegistered (v1) cannot read data written by v3: field "street" has no default (v3 does not write it)']);
    });
  });

  describe('FULL (both directions with the latest)', () => {
    it('accepts an optional field with a default', () => {
      expect(checkCompatibility(residenceRegistered([idnr, optionalNote]), [residenceRegistered([idnr])], 'FULL').compatible).toBe(true);
    });

    it('refuses a type change in both directions, naming the field and both types', () => {
      const result = checkCompatibility(residenceRegistered([{ name: 'idnr', type: 'long' }]), [residenceRegistered([idnr])], 'FULL');
      expect(result.messages).toEqual([
        'reader ResidenceRegistered (v2) cannot read data written by v1: field "idnr" changed type: v1 writes string, v2 expects long',
        'reader ResidenceRegistered (v1) cannot read data written by v2: field "idnr" changed type: v2 writes long, v1 expects string',
      ]);
    });

    it('accepts a type promotion only in the direction Avro allows', () => {
      const intAmount = residenceRegistered([{ name: 'amount', type: 'int' }]);
      const longAmount = residenceRegistered([{ name: 'amount', type: 'long' }]);
      expect(checkCompatibility(longAmount, [intAmount], 'BACKWARD').compatible).toBe(true);
      expect(checkCompatibility(longAmount, [intAmount], 'FULL').messages).toEqual(['reader ResidenceRegistered (v1) cannot read data written by v2: field "amount" changed type: v2 writes long, v1 expects int']);
    });
  });

  describe('FULL_TRANSITIVE (both directions with every version)', () => {
    it('refuses a field without a default that an older version lacks', () => {
      const v1 = residenceRegistered([idnr]);
      const v2 = residenceRegistered([idnr, { ...street, default: '' }]);
      const candidate = residenceRegistered([idnr, street]);
      expect(checkCompatibility(candidate, [v1, v2], 'FULL').compatible).toBe(true);
      expect(checkCompatibility(candidate, [v1, v2], 'FULL_TRANSITIVE').messages).toEqual(['reader ResidenceRegistered (v3) cannot read data written by v1: field "street" has no default (v1 does not write it)']);
    });
  });

  describe('NONE', () => {
    it('accepts any change', () => {
      expect(checkCompatibility(residenceRegistered([{ name: 'idnr', type: 'int' }]), [residenceRegistered([idnr])], 'NONE')).toEqual({ compatible: true, messages: [] });
    });
  });

  it('accepts anything as the first version', () => {
    expect(checkCompatibility(residenceRegistered([idnr]), [], 'FULL_TRANSITIVE').compatible).toBe(true);
  });

  it('names a removed enum symbol the new reader cannot read', () => {
    const status = (symbols: string[]) => ({ name: 'status', type: { type: 'enum', name: 'ResidenceStatus', symbols } });
    const result = checkCompatibility(residenceRegistered([status(['MAIN', 'SECONDARY'])]), [residenceRegistered([status(['MAIN', 'SECONDARY', 'MOVED_OUT'])])], 'BACKWARD');
    expect(result.messages).toEqual(['reader ResidenceRegistered (v2) cannot read data written by v1: field "status": enum ResidenceStatus in v2 lacks symbol "MOVED_OUT" that v1 writes, and has no default']);
  });

  it('accepts a removed enum symbol when the reader enum has a default', () => {
    const status = (symbols: string[]) => ({ name: 'status', type: { type: 'enum', name: 'ResidenceStatus', symbols, default: 'MAIN' } });
    expect(checkCompatibility(residenceRegistered([status(['MAIN'])]), [residenceRegistered([status(['MAIN', 'MOVED_OUT'])])], 'BACKWARD').compatible).toBe(true);
  });

  it('names the path of a broken field inside a nested record', () => {
    const address = (fields: Field[]) => ({ name: 'address', type: { type: 'record', name: 'Address', fields } });
    const result = checkCompatibility(residenceRegistered([address([street, { name: 'zip', type: 'string' }])]), [residenceRegistered([address([street])])], 'BACKWARD');
    expect(result.messages).toEqual(['reader ResidenceRegistered (v2) cannot read data written by v1: field "address.zip" has no default (v1 does not write it)']);
  });

  it('names a union branch the reader cannot read', () => {
    const result = checkCompatibility(residenceRegistered([{ name: 'note', type: 'string' }]), [residenceRegistered([optionalNote])], 'BACKWARD');
    expect(result.messages).toEqual(['reader ResidenceRegistered (v2) cannot read data written by v1: field "note": v1 may write null (a branch of its union), which v2 reads as string and cannot']);
  });

  it('follows a renamed field through its alias', () => {
    const renamed = residenceRegistered([{ name: 'taxId', type: 'string', aliases: ['idnr'] }]);
    expect(checkCompatibility(renamed, [residenceRegistered([idnr])], 'BACKWARD').compatible).toBe(true);
  });

  it('names a renamed record without an alias', () => {
    const renamed = { ...residenceRegistered([idnr]), name: 'ResidenceRecorded' };
    const result = checkCompatibility(renamed, [residenceRegistered([idnr])], 'BACKWARD');
    expect(result.messages).toEqual(['reader ResidenceRecorded (v2) cannot read data written by v1: the top-level type: record de.regsync.person.ResidenceRegistered of v1 is named de.regsync.person.ResidenceRecorded in v2 without an alias for the old name']);
  });

  it('accepts a namespace-only change of the top-level record in both directions, as Avro\'s Java SchemaCompatibility does', () => {
    const moved = { ...residenceRegistered([idnr]), namespace: 'de.regsync.melderegister' };
    expect(checkCompatibility(moved, [residenceRegistered([idnr])], 'FULL_TRANSITIVE')).toEqual({ compatible: true, messages: [] });
  });

  it('accepts a namespace-only change of a nested record, and still checks its fields', () => {
    const address = (namespace: string, fields: Field[]) => ({ name: 'address', type: { type: 'record', name: 'Address', namespace, fields } });
    const v1 = residenceRegistered([idnr, address('de.regsync.person', [street]) as Field]);
    expect(checkCompatibility(residenceRegistered([idnr, address('de.regsync.common', [street]) as Field]), [v1], 'FULL').compatible).toBe(true);
    expect(checkCompatibility(residenceRegistered([idnr, address('de.regsync.common', [street, { name: 'city', type: 'string' }]) as Field]), [v1], 'BACKWARD').messages).toEqual([
      'reader ResidenceRegistered (v2) cannot read data written by v1: field "address.city" has no default (v1 does not write it)',
    ]);
  });

  it('still refuses a renamed record whose simple name changed along with its namespace', () => {
    const renamed = { ...residenceRegistered([idnr]), name: 'Residence', namespace: 'de.regsync.melderegister' };
    expect(checkCompatibility(renamed, [residenceRegistered([idnr])], 'BACKWARD').compatible).toBe(false);
  });

  it('uses the given version labels in its messages', () => {
    const result = checkCompatibility(residenceRegistered([idnr, street]), [residenceRegistered([idnr])], 'BACKWARD', { candidate: 'v7', existing: ['v5'] });
    expect(result.messages).toEqual(['reader ResidenceRegistered (v7) cannot read data written by v5: field "street" has no default (v5 does not write it)']);
  });

  it('throws InvalidAvroSchemaError for a schema avsc cannot parse', () => {
    expect(() => checkCompatibility({ type: 'record', name: 'Broken', fields: [{ name: 'x', type: 'Unknown' }] }, [], 'BACKWARD')).toThrow(InvalidAvroSchemaError);
  });
});
