import { avroType, invalidPaths } from './avro-types';
import { loadSchemaVersions, latestSchemas } from './event-schemas';

const residenceRegistered = () => latestSchemas().get('ResidenceRegistered')!.schema;

const event = {
  envelope: {
    eventId: '6f1c1c1e-8d4c-4a57-9d6a-0d5e2f7c1a11',
    eventType: 'ResidenceRegistered',
    occurredAt: new Date('2026-11-25T10:15:30.123Z'),
    source: { level: 'MUNICIPAL', instanceKey: '14612000', register: 'MELDEREGISTER' },
    subject: { kind: 'PERSON', id: '36574261809' },
    subjectVersion: 3,
    correlationId: 'c-1',
    causationId: null,
    legalBasis: '§ 17 Abs. 1 BMG',
  },
  idnr: '36574261809',
  familyName: 'Schmidt',
  givenNames: 'Anna Maria',
  sex: 'FEMALE',
  dateOfBirth: new Date('1990-04-01T00:00:00Z'),
  address: { street: 'Prager Straße', houseNumber: '10', postalCode: '01069', city: 'Dresden', municipalityKey: '14612000' },
  movedInOn: new Date('2026-11-01T00:00:00Z'),
  previousAddress: { street: 'Große Straße', houseNumber: '1', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' },
  dwellingStatus: 'NEBENWOHNUNG',
};

describe('avroType', () => {
  it('maps timestamp-millis and date to JS Dates and back without loss', () => {
    const type = avroType(residenceRegistered());
    const decoded = type.fromBuffer(type.toBuffer(event));
    expect(decoded).toEqual(event);
    expect(decoded.envelope.occurredAt).toBeInstanceOf(Date);
    expect(decoded.dateOfBirth.toISOString()).toBe('1990-04-01T00:00:00.000Z');
  });

  it('keeps timestamps and calendar dates when a reader resolves another schema version (v1 reads v2, v2 reads v1)', () => {
    const [v1, v2] = loadSchemaVersions().get('ResidenceRegistered')!.map((version) => avroType(version.schema));
    const { dwellingStatus: _notInV1, ...v1Event } = event;

    const v2ReadByV1 = v1.fromBuffer(v2.toBuffer(event), v1.createResolver(v2));
    const v1ReadByV2 = v2.fromBuffer(v1.toBuffer(v1Event), v2.createResolver(v1));

    expect(v2ReadByV1).toEqual(v1Event);
    expect(v1ReadByV2).toEqual({ ...v1Event, dwellingStatus: 'HAUPTWOHNUNG' });
    expect(v1ReadByV2.dateOfBirth.toISOString()).toBe('1990-04-01T00:00:00.000Z');
  });

  it('names every field that does not fit the schema', () => {
    const type = avroType(residenceRegistered());
    const broken = { ...event, dateOfBirth: new Date('1990-04-01T12:00:00Z'), address: { ...event.address, postalCode: 1069 } };
    expect(invalidPaths(type, broken).sort()).toEqual(['address.postalCode', 'dateOfBirth']);
    expect(invalidPaths(type, event)).toEqual([]);
  });
});
