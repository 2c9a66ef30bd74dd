import { retentionCutoff } from './retention';

describe('retentionCutoff', () => {
  it('keeps entries for exactly two years', () => {
    expect(retentionCutoff(new Date('2026-11-25T12:00:00Z')).toISOString()).toBe('2024-11-25T12:00:00.000Z');
  });
});
