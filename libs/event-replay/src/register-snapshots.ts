// Public entry: A register's snapshot on its topic, and its database checksum.
export { loadSnapshot, publishSnapshot, snapshotOf } from './register-snapshot-topic';
export type { SnapshotPublishResult } from './register-snapshot-topic';
export { registerDatabaseChecksum } from './register-database-checksum';
export type { DatabaseChecksum } from './register-database-checksum';
