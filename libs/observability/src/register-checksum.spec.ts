import { registerChecksum, subjectHash } from './register-checksum';

describe('registerChecksum', () => {
  it('gives the same checksum for the same rows in any order and any column order', () => {
    const a = registerChecksum([
      { subject_id: '36574261809', street: 'Markt', house_number: '1' },
      { subject_id: '12345678995', street: 'Altmarkt', house_number: '7' },
    ]);
    const b = registerChecksum([
      { house_number: '7', street: 'Altmarkt', subject_id: '12345678995' },
      { street: 'Markt', subject_id: '36574261809', house_number: '1' },
    ]);
    expect(a.checksum).toBe(b.checksum);
    expect(a.count).toBe(2);
  });

  it('changes the checksum and the subject hash when one field of one subject differs', () => {
    const before = registerChecksum([{ subject_id: '36574261809', street: 'Markt' }]);
    const after = registerChecksum([{ subject_id: '36574261809', street: 'Marktplatz' }]);
    expect(after.checksum).not.toBe(before.checksum);
    expect(after.subjects['36574261809'].hash).not.toBe(before.subjects['36574261809'].hash);
  });

  it('keeps the scope out of the hash, so a replica that stores no scope still matches', () => {
    expect(subjectHash({ subject_id: '1', scope: '03', street: 'Markt' })).toBe(subjectHash({ subject_id: '1', street: 'Markt' }));
  });

  it('hashes a date and its ISO text alike, and a number and its text alike', () => {
    expect(subjectHash({ subject_id: '1', born: new Date('2024-05-01T00:00:00Z'), area: 512 })).toBe(subjectHash({ subject_id: '1', born: '2024-05-01T00:00:00.000Z', area: '512' }));
  });

  it('refuses a query that returns one subject twice', () => {
    expect(() => registerChecksum([{ subject_id: '1' }, { subject_id: '1' }])).toThrow(/subject 1 occurs twice/);
  });
});
