import { createHash } from 'node:crypto';
import { openBytes, sealBytes, type SubjectKey } from '@regsync/contracts/event-encoding';
import { outgoingTopicOf, subjectKeyTopicOf } from '@regsync/contracts/topics';

/**
 * Crypto-shredding of register snapshots (register-snapshot-topic.ts): every row about a person travels sealed with the
 * person's snapshot key (AES-256-GCM, as events are), the key on the key topic of the instance's outgoing topic, where
 * the erasure of the person writes its tombstone. Once it is gone, no snapshot ever published opens the person's rows;
 * the record key (table and primary key) and the table name stay readable, like an event's envelope. A row listing a
 * parcel's owners is sealed with a key of the parcel and that list, which an owner's erasure withdraws (the list
 * without them seals the next snapshot's row under a new key).
 */

/** One row of a register table, as the snapshot carries it. */
export interface SnapshotRow {
  table: string;
  /** row_to_json of the row: PostgreSQL's own JSON form, which json_populate_record reads back exactly. */
  row: Record<string, unknown>;
}

/** A person's row on the snapshot topic: the row (SnapshotRow as JSON) encrypted with the person's snapshot key. */
export interface SealedSnapshotRow {
  table: string;
  keyId: string;
  /** base64 */
  nonce: string;
  /** base64, the 16-byte tag appended */
  ciphertext: string;
}

/** The person a row is about: its `idnr`, or its subject where that is a person (version and key tables); none: not a person's row. */
export function personOfRow(row: Record<string, unknown>): string | undefined {
  if (typeof row.idnr === 'string') return row.idnr;
  if (row.subject_kind === 'PERSON' && typeof row.subject_id === 'string') return row.subject_id;
  return undefined;
}

/** The owners a row lists (a parcel's, `owner_idnrs`, in the cadastre and the property-tax roll): its parcel and their IdNrs. */
export function ownersOfRow(row: Record<string, unknown>): { parcelId: string; ownerIdnrs: string[] } | undefined {
  if (typeof row.parcel_id !== 'string' || !Array.isArray(row.owner_idnrs)) return undefined;
  return { parcelId: row.parcel_id, ownerIdnrs: row.owner_idnrs.map(String) };
}

/** The snapshot key a row is sealed with (its person's, or its parcel's and owners'); none: the row travels in the clear. */
export function snapshotKeyIdOfRow(row: Record<string, unknown>, authority: string): string | undefined {
  const at = typeof row.authority_key === 'string' ? row.authority_key : authority;
  const person = personOfRow(row);
  if (person !== undefined) return snapshotKeyIdOf(at, person);
  const owners = ownersOfRow(row);
  return owners && parcelSnapshotKeyIdOf(at, owners.parcelId, owners.ownerIdnrs);
}

/**
 * The id of a person's snapshot key at an authority: derived, so the erasure withdraws it without looking anything up
 * (a UUID built from SHA-256 of authority and IdNr; the IdNr is the record key of the person's events anyway).
 */
export function snapshotKeyIdOf(authority: string, idnr: string): string {
  return derivedKeyId(`regsync snapshot key\n${authority}\nPERSON\n${idnr}`);
}

/**
 * The id of the snapshot key of a parcel row listing `ownerIdnrs` (in any order): the erasure of one of them derives it
 * from the list before (the list after plus them) and withdraws it; the list after gets a key of its own.
 */
export function parcelSnapshotKeyIdOf(authority: string, parcelId: string, ownerIdnrs: readonly string[]): string {
  return derivedKeyId(`regsync snapshot key\n${authority}\nPARCEL\n${parcelId}\n${[...new Set(ownerIdnrs)].sort().join(',')}`);
}

function derivedKeyId(input: string): string {
  const hex = createHash('sha256').update(input).digest('hex');
  // RFC 9562 version 8 (custom), variant 10
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Whether a key id on a key topic is a snapshot key's (snapshotKeyIdOf: UUID version 8; event keys are random, version 4). */
export function isSnapshotKeyId(keyId: string): boolean {
  return keyId.length === 36 && keyId[14] === '8';
}

/** Where an instance's snapshot keys are: the key topic of its outgoing topic, which its principal writes and operators read. */
export function snapshotKeyTopicOf(app: string, instanceKey: string, namespace = ''): string {
  return subjectKeyTopicOf(outgoingTopicOf(app, instanceKey, namespace));
}

export function sealSnapshotRow(recordKey: string, row: SnapshotRow, key: SubjectKey): SealedSnapshotRow {
  const { nonce, ciphertext } = sealBytes(Buffer.from(JSON.stringify(row)), key.key, associatedDataOf(recordKey, row.table, key.id));
  return { table: row.table, keyId: key.id, nonce: nonce.toString('base64'), ciphertext: ciphertext.toString('base64') };
}

/** The row of a sealed snapshot record; throws when the key is not its own or record key, table or bytes were changed. */
export function openSnapshotRow(recordKey: string, sealed: SealedSnapshotRow, key: Buffer): SnapshotRow {
  return JSON.parse(openBytes({ nonce: Buffer.from(sealed.nonce, 'base64'), ciphertext: Buffer.from(sealed.ciphertext, 'base64') }, key, associatedDataOf(recordKey, sealed.table, sealed.keyId)).toString()) as SnapshotRow;
}

export function isSealedSnapshotRow(value: SnapshotRow | SealedSnapshotRow): value is SealedSnapshotRow {
  return 'ciphertext' in value;
}

function associatedDataOf(recordKey: string, table: string, keyId: string): Buffer {
  return Buffer.from(`${recordKey}\n${table}\n${keyId}`);
}
