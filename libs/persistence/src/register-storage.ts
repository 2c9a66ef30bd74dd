// Public entry: The register store: a table described once, and from it DDL, reads, upserts, drift, schema checks.
export { text } from './register-store/columns';
export { RegisterStore, REMOVE_ROW } from './register-store/register-store';
export type { AppendedRows, AppliedEvents, KeyOf, Reduce } from './register-store/register-store';
export { appendParameters, appendSql, createTableSql, defineTable, driftSql } from './register-store/table-descriptor';
export type { AnyTableDescriptor, AppendTable, PersonRecords, StoredRow } from './register-store/table-descriptor';
export { migratedSchemaMismatches, migratedTables } from './register-store/table-schema';
