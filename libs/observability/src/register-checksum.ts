import { createHash } from 'node:crypto';

export interface RegisterRow {
  subject_id: string;
  scope?: string | null;
  [field: string]: unknown;
}

export interface SubjectDigest {
  hash: string;
  scope: string | null;
}

export interface RegisterChecksum {
  count: number;
  /** sha256 over the sorted `subjectId:hash` lines: equal checksums mean equal data sets. */
  checksum: string;
  subjects: Record<string, SubjectDigest>;
}

/** Dates as ISO strings, numbers as text, absent as null, so both sides hash a row the same way. */
function canonicalValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonicalValue((value as Record<string, unknown>)[key])]));
  return value;
}

export function subjectHash(row: RegisterRow): string {
  const fields = Object.keys(row)
    .filter((column) => column !== 'subject_id' && column !== 'scope')
    .sort()
    .map((column) => [column, canonicalValue(row[column])]);
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/** Checksum of a set of subject digests, the same function for a replica's rows and the expected authoritative ones. */
export function setChecksum(subjects: Record<string, Pick<SubjectDigest, 'hash'>>): string {
  const lines = Object.keys(subjects)
    .sort()
    .map((subjectId) => `${subjectId}:${subjects[subjectId].hash}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex');
}

/** Count, set checksum and per-subject hashes of one register data set. */
export function registerChecksum(rows: readonly RegisterRow[]): RegisterChecksum {
  const subjects: Record<string, SubjectDigest> = {};
  for (const row of rows) {
    const subjectId = String(row.subject_id);
    if (subjects[subjectId]) throw new Error(`register checksum: subject ${subjectId} occurs twice; the query must return one row per subject`);
    subjects[subjectId] = { hash: subjectHash(row), scope: row.scope === undefined || row.scope === null ? null : String(row.scope) };
  }
  return { count: rows.length, checksum: setChecksum(subjects), subjects };
}
