import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { outgoingTopicOf, subjectKeyTopicOf } from '@regsync/contracts/topics';
import { isSealedSnapshotRow, isSnapshotKeyId, openSnapshotRow, parcelSnapshotKeyIdOf, personOfRow, sealSnapshotRow, snapshotKeyIdOf, snapshotKeyIdOfRow, snapshotKeyTopicOf } from './snapshot-sealing';

const idnr = fc.stringMatching(/^[1-9]\d{10}$/);
const authority = fc.oneof(fc.stringMatching(/^\d{2}$/), fc.stringMatching(/^\d{8}$/), fc.constant('DE'));
const row = fc.dictionary(fc.stringMatching(/^[a-z_]{1,12}$/), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)));

describe('sealed snapshot rows', () => {
  it('open with their key to the row they were sealed from, and carry none of its text', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z_]{1,20}$/), row, idnr, authority, (table, columns, person, at) => {
        const key = { id: snapshotKeyIdOf(at, person), key: randomBytes(32) };
        const recordKey = `${table}/${at}/${person}`;
        const sealed = sealSnapshotRow(recordKey, { table, row: { ...columns, family_name: 'Zwetschgenbaum' } }, key);
        expect(isSealedSnapshotRow(sealed)).toBe(true);
        expect(JSON.stringify(sealed)).not.toContain('Zwetschgenbaum');
        expect(openSnapshotRow(recordKey, sealed, key.key)).toEqual({ table, row: { ...columns, family_name: 'Zwetschgenbaum' } });
      }),
    );
  });

  it('refuse another key, another record key or table, and changed bytes', () => {
    const key = { id: snapshotKeyIdOf('03', '36574261809'), key: randomBytes(32) };
    const sealed = sealSnapshotRow('state_residents/03/36574261809', { table: 'state_residents', row: { idnr: '36574261809' } }, key);
    expect(() => openSnapshotRow('state_residents/03/36574261809', sealed, randomBytes(32))).toThrow();
    expect(() => openSnapshotRow('state_residents/03/11111111111', sealed, key.key)).toThrow();
    expect(() => openSnapshotRow('state_residents/03/36574261809', { ...sealed, table: 'residents' }, key.key)).toThrow();
    const changed = Buffer.from(sealed.ciphertext, 'base64');
    changed[0] ^= 1;
    expect(() => openSnapshotRow('state_residents/03/36574261809', { ...sealed, ciphertext: changed.toString('base64') }, key.key)).toThrow();
  });
});

describe('snapshot keys', () => {
  it('have one id per authority and person, a UUID (version 8), which the erasure derives without a look-up', () => {
    fc.assert(
      fc.property(authority, idnr, authority, idnr, (a1, p1, a2, p2) => {
        expect(snapshotKeyIdOf(a1, p1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(snapshotKeyIdOf(a1, p1) === snapshotKeyIdOf(a2, p2)).toBe(a1 === a2 && p1 === p2);
      }),
    );
  });

  it('are told apart from event keys (random UUIDs) on the key topic they share, so key rings leave them out', () => {
    fc.assert(fc.property(authority, idnr, (at, person) => expect(isSnapshotKeyId(snapshotKeyIdOf(at, person))).toBe(true)));
    for (let index = 0; index < 1_000; index++) expect(isSnapshotKeyId(randomUUID())).toBe(false);
  });

  it('live on the key topic of the instance outgoing topic, which the erasure writes its key tombstones to', () => {
    expect(snapshotKeyTopicOf('state-register', '03', 'e2e1')).toBe(subjectKeyTopicOf(outgoingTopicOf('state-register', '03', 'e2e1')));
  });
});

describe('the person a snapshot row is about', () => {
  it('is its IdNr, or its subject where that is a person; other rows are no person’s', () => {
    expect(personOfRow({ idnr: '36574261809', family_name: 'x' })).toBe('36574261809');
    expect(personOfRow({ subject_kind: 'PERSON', subject_id: '36574261809', version: 3 })).toBe('36574261809');
    expect(personOfRow({ subject_kind: 'PARCEL', subject_id: '03-1234' })).toBeUndefined();
    expect(personOfRow({ parcel_id: '03-1234', owner_idnrs: ['36574261809'] })).toBeUndefined();
  });
});

describe('the snapshot key of a parcel row listing owners', () => {
  const owners = fc.uniqueArray(idnr, { minLength: 1, maxLength: 4 });

  it("is the parcel's and its owners' in any order: an owner's erasure derives the key of the list with them and withdraws it, the list without them has another", () => {
    fc.assert(
      fc.property(authority, owners, idnr, (at, listed, erased) => {
        fc.pre(!listed.includes(erased));
        const parcelId = '14612300100077______';
        const before = parcelSnapshotKeyIdOf(at, parcelId, [erased, ...listed]);
        // the erasure knows the list after it and the person it took off
        expect(parcelSnapshotKeyIdOf(at, parcelId, [...[...listed].reverse(), erased])).toBe(before);
        expect(parcelSnapshotKeyIdOf(at, parcelId, listed)).not.toBe(before);
        expect(isSnapshotKeyId(before)).toBe(true);
        expect(before).not.toBe(snapshotKeyIdOf(at, erased));
      }),
    );
  });

  it("seals the cadastre's and the roll's rows with it, a person's rows with the person's key, and leaves other rows in the clear", () => {
    const parcel = { parcel_id: '14612300100077______', owner_idnrs: ['36574261809', '12345678995'], erased_owner_idnrs: [] };
    expect(snapshotKeyIdOfRow(parcel, '14')).toBe(parcelSnapshotKeyIdOf('14', parcel.parcel_id, ['12345678995', '36574261809']));
    expect(snapshotKeyIdOfRow({ ...parcel, authority_key: '14612000' }, '14')).toBe(parcelSnapshotKeyIdOf('14612000', parcel.parcel_id, parcel.owner_idnrs));
    expect(snapshotKeyIdOfRow({ idnr: '36574261809', family_name: 'x' }, '03')).toBe(snapshotKeyIdOf('03', '36574261809'));
    expect(snapshotKeyIdOfRow({ subject_kind: 'PARCEL', subject_id: parcel.parcel_id, version: 2 }, '14')).toBeUndefined();
  });
});
