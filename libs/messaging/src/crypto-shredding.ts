// Public entry: Per-subject keys: the key ring, deleting a key, sealing snapshot rows.
export { isKeyRingGroup, keyRingGroupPrefixOf, SubjectKeyRing } from './subject-key-ring';
export { deleteSubjectKeys, KeyWrapping } from './subject-keys';
export type { DeletedSubjectKey, SubjectKeyTable } from './subject-keys';
export { isSealedSnapshotRow, openSnapshotRow, personOfRow, sealSnapshotRow, snapshotKeyIdOf, snapshotKeyTopicOf } from './snapshot-sealing';
export type { SealedSnapshotRow, SnapshotRow } from './snapshot-sealing';
export { parcelSnapshotKeyIdOf } from './snapshot-sealing';
export { snapshotKeyIdOfRow } from './snapshot-sealing';
