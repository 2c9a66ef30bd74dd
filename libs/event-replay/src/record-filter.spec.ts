import { sampleEvent } from '@regsync/contracts/sample-events';
import { eventPassesFilter, recordPassesHeaderFilter } from './record-filter';

const moved = { key: Buffer.from('36574261809'), headers: { 'regsync-event-type': Buffer.from('MovedOut') } };

describe('record filter', () => {
  it('selects every record when no event type or subject is given', () => {
    expect(recordPassesHeaderFilter({}, moved)).toBe(true);
    expect(eventPassesFilter({ eventTypes: [], subjects: [] }, sampleEvent('MovedOut'))).toBe(true);
  });

  it('skips records of other event types before decoding them', () => {
    expect(recordPassesHeaderFilter({ eventTypes: ['DeathRecorded'] }, moved)).toBe(false);
    expect(recordPassesHeaderFilter({ eventTypes: ['DeathRecorded', 'MovedOut'] }, moved)).toBe(true);
  });

  it('selects a subject by its record key and, after decoding, by envelope.subject.id', () => {
    expect(recordPassesHeaderFilter({ subjects: ['12345678995'] }, moved)).toBe(false);
    expect(recordPassesHeaderFilter({ subjects: ['36574261809'] }, moved)).toBe(true);
    expect(eventPassesFilter({ subjects: ['12345678995'] }, sampleEvent('MovedOut'))).toBe(false);
    expect(eventPassesFilter({ subjects: ['36574261809'] }, sampleEvent('MovedOut'))).toBe(true);
  });

  it('lets a record without headers through to the check on the decoded event', () => {
    expect(recordPassesHeaderFilter({ eventTypes: ['DeathRecorded'] }, { key: null, headers: {} })).toBe(true);
    expect(eventPassesFilter({ eventTypes: ['DeathRecorded'] }, sampleEvent('MovedOut'))).toBe(false);
  });
});
