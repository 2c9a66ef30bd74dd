import { dropsParcel } from './property-tax';
import { recordParcel } from './parcels';

const input = { parcelId: '14612300100012______', municipalityKey: '14612000', areaSquareMetres: 612, usage: 'Wohnbaufläche', ownerIdnrs: ['36574261809'], changeReason: null };
const rolls = new Set(['14612000', '14713000']);

describe('the Liegenschaftskataster', () => {
  it('records a new parcel, and a later record of it is a change that needs a reason', () => {
    const { parcel, eventType, leftMunicipality } = recordParcel(undefined, input, '14', rolls);
    expect(eventType).toBe('ParcelRecorded');
    expect(leftMunicipality).toBeNull();
    expect(() => recordParcel(parcel, input, '14', rolls)).toThrow(expect.objectContaining({ field: 'changeReason' }));
    expect(recordParcel(parcel, { ...input, areaSquareMetres: 587, changeReason: 'Zerlegung' }, '14', rolls)).toMatchObject({ eventType: 'ParcelChanged', parcel: { areaSquareMetres: 587, lastChangeReason: 'Zerlegung' }, leftMunicipality: null });
  });

  it('keeps only parcels in municipalities of its own Land', () => {
    expect(() => recordParcel(undefined, input, '03', rolls)).toThrow(expect.objectContaining({ field: 'parcelId' }));
    expect(() => recordParcel(undefined, { ...input, municipalityKey: '03404000' }, '14', rolls)).toThrow(expect.objectContaining({ field: 'municipalityKey' }));
  });

  it('names the municipality a parcel left, whose roll must drop it', () => {
    const { parcel } = recordParcel(undefined, input, '14', rolls);
    const moved = recordParcel(parcel, { ...input, municipalityKey: '14713000', changeReason: 'Gemeindegebietsänderung' }, '14', rolls);
    expect(moved).toMatchObject({ eventType: 'ParcelChanged', leftMunicipality: '14612000', parcel: { municipalityKey: '14713000' } });
  });

  it("keeps an erased owner the surveyor still lists without transferring their IdNr, and forgets them once they no longer own the parcel", () => {
    const erased = '12345678995';
    const { parcel } = recordParcel(undefined, { ...input, ownerIdnrs: ['36574261809', erased] }, '14', rolls);
    const afterErasure = { ...parcel, ownerIdnrs: ['36574261809'], erasedOwnerIdnrs: [erased] };
    const changed = recordParcel(afterErasure, { ...input, ownerIdnrs: [erased, '36574261809'], areaSquareMetres: 587, changeReason: 'Zerlegung' }, '14', rolls);
    expect(changed.parcel).toMatchObject({ ownerIdnrs: ['36574261809'], erasedOwnerIdnrs: [erased] });
    const sold = recordParcel(changed.parcel, { ...input, ownerIdnrs: ['36574261809'], changeReason: 'Eigentumswechsel' }, '14', rolls);
    expect(sold.parcel).toMatchObject({ ownerIdnrs: ['36574261809'], erasedOwnerIdnrs: [] });
  });

  it('refuses a parcel in a municipality without a property-tax roll in regsync, so no parcel is recorded that nobody taxes', () => {
    expect(() => recordParcel(undefined, input, '14', new Set(['14713000']))).toThrow(
      expect.objectContaining({ field: 'municipalityKey', rule: 'has no property-tax roll in regsync (rolls in Land 14: 14713000)' }),
    );
    const { parcel } = recordParcel(undefined, input, '14', rolls);
    expect(() => recordParcel(parcel, { ...input, municipalityKey: '14713000', changeReason: 'Zerlegung' }, '14', new Set(['14612000']))).toThrow(expect.objectContaining({ field: 'municipalityKey' }));
  });
});

describe('the Grundsteuer roll', () => {
  const entry = { parcelId: input.parcelId, municipalityKey: '14612000', areaSquareMetres: 612, usage: 'Wohnbaufläche', ownerIdnrs: [], lastChangeReason: null };
  const left = { parcelId: input.parcelId, fromMunicipalityKey: '14612000', toMunicipalityKey: '14713000', changeReason: 'Zerlegung' };

  it('drops a parcel that left the municipality, and has nothing to drop for one it does not hold', () => {
    expect(dropsParcel(entry, left, '14612000')).toBe(true);
    expect(dropsParcel(undefined, left, '14612000')).toBe(false);
    expect(dropsParcel(entry, left, '14713000')).toBe(false);
  });
});
