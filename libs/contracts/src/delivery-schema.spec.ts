import { avroType } from './avro-types';
import { deliverySchemaOf, isDeliverySchema } from './delivery-schema';
import { latestSchemas } from './event-schemas';
import { sampleEvent } from './sample-events';

const residenceRegistered = latestSchemas().get('ResidenceRegistered')!.schema;

describe('deliverySchemaOf', () => {
  it('keeps the envelope and the route fields only, as a record of the recipient register', () => {
    const schema = deliverySchemaOf(residenceRegistered, 'IDNR_BASISDATEN', ['idnr', 'familyName', 'address']);
    expect(schema.fields.map((field) => field.name)).toEqual(['envelope', 'idnr', 'familyName', 'address']);
    expect(`${schema.namespace}.${schema.name}`).toBe('de.regsync.delivery.idnr_basisdaten.ResidenceRegistered');
    expect(isDeliverySchema(schema)).toBe(true);
    expect(isDeliverySchema(residenceRegistered)).toBe(false);
  });

  it('defines a named type where a kept field first uses it when the field that defined it is left out', () => {
    // Address is defined in `address` and only referenced by `previousAddress`.
    const schema = deliverySchemaOf(residenceRegistered, 'MELDEREGISTER', ['idnr', 'previousAddress']);
    const type = avroType(schema);
    const event = sampleEvent('ResidenceRegistered');
    const projected = { envelope: event.envelope, idnr: event.idnr, previousAddress: event.previousAddress };
    expect(type.fromBuffer(type.toBuffer(projected))).toEqual(projected);
  });

  it('writes bytes that hold none of the left-out values', () => {
    const schema = deliverySchemaOf(residenceRegistered, 'IDNR_BASISDATEN', ['idnr', 'movedInOn']);
    const event = sampleEvent('ResidenceRegistered', {}, { familyName: 'Schmidtkowski' });
    const bytes = avroType(schema).toBuffer({ envelope: event.envelope, idnr: event.idnr, movedInOn: event.movedInOn });
    expect(bytes.includes(Buffer.from('Schmidtkowski'))).toBe(false);
    expect(bytes.includes(Buffer.from(event.address.street))).toBe(false);
    expect(bytes.includes(Buffer.from(event.idnr))).toBe(true);
  });
});
