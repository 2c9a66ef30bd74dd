import { InvalidAvroSchemaError, parseAvroSchema, parseAvroSchemaText } from './avro-schema';

const record = {
  type: 'record',
  name: 'ParcelChanged',
  namespace: 'de.regsync.parcel',
  fields: [
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'area', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 } },
    { name: 'usage', type: ['null', 'string'], default: null },
  ],
};

describe('parseAvroSchema', () => {
  it('gives the same fingerprint to the same schema spelled differently', () => {
    const respelled = `{ "fields": ${JSON.stringify(record.fields, null, 2)}, "name": "de.regsync.parcel.ParcelChanged", "type": "record" }`;
    expect(parseAvroSchemaText(respelled).fingerprint).toBe(parseAvroSchema(record).fingerprint);
  });

  it('keeps logical types with their parameters in the canonical form', () => {
    const { canonical } = parseAvroSchema(record);
    expect(canonical).toContain('{"type":"long","logicalType":"timestamp-millis"}');
    expect(canonical).toContain('{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}');
  });

  it('tells schemas apart that differ only in a default or a logical type', () => {
    const withoutDefault = { ...record, fields: [record.fields[0], record.fields[1], { name: 'usage', type: ['null', 'string'] }] };
    const plainLong = { ...record, fields: [{ name: 'occurredAt', type: 'long' }, record.fields[1], record.fields[2]] };
    const fingerprints = new Set([record, withoutDefault, plainLong].map((schema) => parseAvroSchema(schema).fingerprint));
    expect(fingerprints.size).toBe(3);
  });

  it('refuses text that is not JSON and schemas avsc cannot read, saying why', () => {
    expect(() => parseAvroSchemaText('{"type": "record"')).toThrow(InvalidAvroSchemaError);
    expect(() => parseAvroSchema({ type: 'record', name: 'X', fields: [{ name: 'a', type: 'Missing' }] })).toThrow(/undefined type name: Missing/);
  });
});
