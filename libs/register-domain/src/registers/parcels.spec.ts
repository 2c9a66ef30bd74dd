import { recordParcel } from './parcels';

const input = { parcelId: '14612300100012______', municipalityKey: '14612000', areaSquareMetres: 612, usage: 'Wohnbaufläche', ownerIdnrs: ['36574261809'], changeReason: null };

describe('the Liegenschaftskataster', () => {
  it('records a new parcel, and a later record of it is a change that needs a reason', () => {
    const { parcel, eventType } = recordParcel(undefined, input, '14');
    expect(eventType).toBe('ParcelRecorded');
    expect(() => recordParcel(parcel, input, '14')).toThrow(expect.objectContaining({ field: 'changeReason' }));
    expect(recordParcel(parcel, { ...input, areaSquareMetres: 587, changeReason: 'Zerlegung' }, '14')).toMatchObject({ eventType: 'ParcelChanged', parcel: { areaSquareMetres: 587, lastChangeReason: 'Zerlegung' } });
  });

  it('keeps only parcels in municipalities of its own Land', () => {
    expect(() => recordParcel(undefined, input, '03')).toThrow(expect.objectContaining({ field: 'parcelId' }));
    expect(() => recordParcel(undefined, { ...input, municipalityKey: '03404000' }, '14')).toThrow(expect.objectContaining({ field: 'municipalityKey' }));
  });
});
