import { senderKeyRetentionEnded, type PersonRecord } from './sender-key-retention';

const day = (date: string) => new Date(`${date}T00:00:00.000Z`);
const resident = (startedAt: Date | null): PersonRecord => ({ table: 'residents', recordKind: 'resident', startedAt });
const birthEntry = (bornOn: string): PersonRecord => ({ table: 'civil_status_records', recordKind: 'birth entry (Geburtenregister)', startedAt: day(bornOn) });

describe("a sender's own key of a person", () => {
  it('ends with the last second of the Melderegister’s 55 years after the end of the year of moving away, not before', () => {
    const movedAway = [resident(day('2026-11-01'))];
    expect(senderKeyRetentionEnded(movedAway, new Date('2081-12-31T23:59:59.999Z'))).toBe(false);
    expect(senderKeyRetentionEnded(movedAway, new Date('2082-01-01T00:00:00.000Z'))).toBe(true);
  });

  it('is kept while the person is a resident, owns a parcel on the roll or has a Nebenwohnung registered', () => {
    const farFuture = new Date('2400-01-01T00:00:00Z');
    expect(senderKeyRetentionEnded([resident(null)], farFuture)).toBe(false);
    expect(senderKeyRetentionEnded([{ table: 'property_tax_entries', recordKind: 'parcel on the roll (owner IdNrs, area, usage)', startedAt: null }], farFuture)).toBe(false);
    expect(senderKeyRetentionEnded([{ table: 'secondary_residences', recordKind: 'Nebenwohnung', startedAt: null }], farFuture)).toBe(false);
  });

  it("is kept as long as the Standesamt's birth entry (110 years), though the Melderegister's record ended long before", () => {
    const records = [resident(day('2026-11-01')), birthEntry('1990-03-14')];
    expect(senderKeyRetentionEnded(records, new Date('2090-01-01T00:00:00Z'))).toBe(false);
    expect(senderKeyRetentionEnded(records, new Date('2100-03-14T23:59:59.999Z'))).toBe(false);
    expect(senderKeyRetentionEnded(records, new Date('2100-03-15T00:00:00.000Z'))).toBe(true);
  });

  it("ends with the last second of the BZSt's 20 years after the end of the year of death, and of a Land's 55 years after the move out of the Land", () => {
    const deceased = [{ table: 'idnr_base_data', recordKind: 'base data of an IdNr', startedAt: day('2026-11-24') }];
    expect(senderKeyRetentionEnded(deceased, new Date('2046-12-31T23:59:59.999Z'))).toBe(false);
    expect(senderKeyRetentionEnded(deceased, new Date('2047-01-01T00:00:00.000Z'))).toBe(true);
    const movedOutOfTheLand = [{ table: 'state_residents', recordKind: 'resident of the Land', startedAt: day('2026-11-01') }];
    expect(senderKeyRetentionEnded(movedOutOfTheLand, new Date('2081-12-31T23:59:59.999Z'))).toBe(false);
    expect(senderKeyRetentionEnded(movedOutOfTheLand, new Date('2082-01-01T00:00:00.000Z'))).toBe(true);
    // An owner of a parcel in the Land's cadastre: the parcel has no end.
    const alsoOwner = [...movedOutOfTheLand, { table: 'parcels', recordKind: 'parcel (Flurstück) with its owners', startedAt: null }];
    expect(senderKeyRetentionEnded(alsoOwner, new Date('2400-01-01T00:00:00Z'))).toBe(false);
  });

  it('ends when no record of the person is left, and the transfer log (kept beside every register) does not keep it', () => {
    expect(senderKeyRetentionEnded([], new Date('2026-12-07T00:00:00Z'))).toBe(true);
    expect(senderKeyRetentionEnded([{ table: 'transfer_log', recordKind: 'transfer log entry', startedAt: new Date('2026-12-01T00:00:00Z') }], new Date('2026-12-07T00:00:00Z'))).toBe(true);
  });

  it('refuses a record the retention catalog does not know', () => {
    expect(() => senderKeyRetentionEnded([{ table: 'residents', recordKind: 'pet', startedAt: null }], new Date())).toThrow('no retention rule for residents / pet');
  });
});
