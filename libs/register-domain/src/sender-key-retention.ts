import { keptUntil, RETENTION_CATALOG, type RetentionRule } from './retention-catalog';

/** A record an authority's registers keep of a person: its table and kind in the retention catalog, and when its period started (null: none runs). */
export interface PersonRecord {
  table: string;
  recordKind: string;
  startedAt: Date | null;
}

/**
 * Whether an authority's own data key of a person (the key that seals every event it sent about them, in its topic and
 * in every copy made from there) may be deleted at `now`: only once no record of the person is left in the authority's
 * registers whose retention under the catalog still runs. A municipality's Melderegister, Personenstandsregister and
 * Grundsteuer seal with one key, so the longest of their periods decides (a birth entry: 110 years). A record kept
 * while current keeps the key; one whose period ended does not, whether the job deleted it (Melderegister) or it waits
 * for the archive (Personenstandsregister: the archive takes over the register entry, not the copy in the log). A Land's
 * key ends with its mirror's record (a parcel owned in its cadastre keeps it), the BZSt's with the base data of the IdNr.
 * The technical records every instance keeps (transfer log, outbox, ...) hold nothing of the register and do not count.
 */
export function senderKeyRetentionEnded(records: readonly PersonRecord[], now: Date): boolean {
  return records.every((record) => {
    const rule = ruleOf(record);
    if (rule.registers === 'every instance') return true;
    return rule.retention.kind === 'timed' && record.startedAt !== null && keptUntil(rule.retention.period, record.startedAt) < now;
  });
}

function ruleOf({ table, recordKind }: PersonRecord): RetentionRule {
  const rule = RETENTION_CATALOG.find((candidate) => candidate.table === table && candidate.recordKind === recordKind);
  if (!rule) throw new Error(`sender key retention: no retention rule for ${table} / ${recordKind}`);
  return rule;
}
