/** § 9 Abs. 2 IDNrG: transfer log entries are kept for two years, then deleted. */
export const TRANSFER_LOG_RETENTION_YEARS = 2;

/** Entries transferred before this instant are due for deletion at `now`. */
export function retentionCutoff(now: Date): Date {
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - TRANSFER_LOG_RETENTION_YEARS);
  return cutoff;
}
