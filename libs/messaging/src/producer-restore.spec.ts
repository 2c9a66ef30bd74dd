import { restoredBehind } from './producer-restore';

describe('restoredBehind', () => {
  it('finds a database that marked every committed transaction, or all but the last one whose rows it has, not restored', () => {
    expect(restoredBehind({ kafkaTransaction: 7, databaseTransaction: 7, markerRowsPresent: true })).toBe(false);
    // A crash between the Kafka commit and the update that marks the rows published.
    expect(restoredBehind({ kafkaTransaction: 7, databaseTransaction: 6, markerRowsPresent: true })).toBe(false);
    expect(restoredBehind({ kafkaTransaction: 1, databaseTransaction: null, markerRowsPresent: true })).toBe(false);
  });

  it('finds a database restored when it is further behind, or lacks rows of the last transaction', () => {
    expect(restoredBehind({ kafkaTransaction: 9, databaseTransaction: 7, markerRowsPresent: true })).toBe(true);
    expect(restoredBehind({ kafkaTransaction: 8, databaseTransaction: 7, markerRowsPresent: false })).toBe(true);
    expect(restoredBehind({ kafkaTransaction: 3, databaseTransaction: null, markerRowsPresent: true })).toBe(true);
  });

  it('cannot tell from a marker written before transactions were numbered', () => {
    expect(restoredBehind({ kafkaTransaction: undefined, databaseTransaction: null, markerRowsPresent: false })).toBe(false);
  });
});
