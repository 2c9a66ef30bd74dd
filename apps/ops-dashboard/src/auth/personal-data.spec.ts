import { deadLetterWithoutPersonalData, maskIdNrsIn, maskSubjectId } from './personal-data';

describe('personal data withheld from a viewer', () => {
  it('masks an IdNr to its first and last two digits', () => {
    expect(maskSubjectId('36574261809')).toBe('36•••••••09');
  });

  it('masks every IdNr in a free-text reason and leaves other numbers alone', () => {
    expect(maskIdNrsIn('subject 36574261809 has version 4 of 03404000')).toBe('subject 36•••••••09 has version 4 of 03404000');
  });

  it('drops the decoded payload of a dead letter and masks its key', () => {
    const withheld = deadLetterWithoutPersonalData({ key: '36574261809', reason: 'idnr 36574261809: not authoritative', payload: { idnr: '36574261809', familyName: 'Müller' }, reasonCode: 'not-authoritative' });
    expect(withheld).toEqual({ key: '36•••••••09', reason: 'idnr 36•••••••09: not authoritative', reasonCode: 'not-authoritative', personalDataWithheld: true });
    expect(JSON.stringify(withheld)).not.toMatch(/36574261809|Müller/);
  });

  it('masks the IdNrs the reason of a re-drive dead-lettered again quotes', () => {
    const withheld = deadLetterWithoutPersonalData({ key: null, reason: 'retries-exhausted', redriveOutcome: { kind: 'dead-lettered-again', reason: 'implausible: 36574261809 died before' } });
    expect(withheld.redriveOutcome).toEqual({ kind: 'dead-lettered-again', reason: 'implausible: 36•••••••09 died before' });
  });
});
