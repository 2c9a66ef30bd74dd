// Public entry: Drift between authoritative and replica registers, from their snapshots.
export { authoritativeSubjects, compareRegisters } from './register-drift';
export type { AuthoritativeSubjects, DriftReport, InstanceRegisters } from './register-drift';
export { PERSON_RESIDENCE_FIELDS } from './register-snapshot-source';
export type { RegisterSnapshotSource } from './register-snapshot-source';
export type { RegisterSnapshotResponse } from './register-snapshot.controller';
