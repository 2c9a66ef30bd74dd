import type { AuthoritativeSubjects, DriftReport } from '@regsync/observability/register-drift-check';
import { maskSubjectId } from '../auth/personal-data';

/** What one repair asks of whom: the drifting subjects, grouped by the authoritative instance that holds each. */
export interface RepairPlan {
  dataset: string;
  replica: string;
  /** Instance id (`municipal-register 03404000`) → the subjects it is asked to restate. */
  byAuthority: Map<string, string[]>;
  /** Drifting subjects no authority holds (e.g. a person the replica keeps but nobody registered): nothing to restate. */
  heldByNoAuthority: string[];
}

/**
 * The repair of one drift report: every drifting subject (missing, different, unexpected), or only those `wanted`
 * names; a person without the data-viewer role sees masked ids, so a wanted id also matches by its mask (two drifting
 * subjects with one mask are both repaired, which is harmless: both drift).
 */
export function planRepair(report: DriftReport, authoritative: AuthoritativeSubjects['authoritative'], wanted?: readonly string[]): RepairPlan {
  const drifting = [...new Set([...report.missing, ...report.different, ...report.unexpected])];
  const chosen = wanted === undefined ? drifting : drifting.filter((subject) => wanted.includes(subject) || wanted.includes(maskSubjectId(subject)));
  const byAuthority = new Map<string, string[]>();
  const heldByNoAuthority: string[] = [];
  for (const subject of chosen) {
    const holder = authoritative.get(subject)?.source;
    if (holder === undefined) heldByNoAuthority.push(subject);
    else byAuthority.set(holder, [...(byAuthority.get(holder) ?? []), subject]);
  }
  return { dataset: report.dataset, replica: report.replica, byAuthority, heldByNoAuthority };
}

export function subjectsIn(plan: RepairPlan): number {
  return [...plan.byAuthority.values()].reduce((sum, subjects) => sum + subjects.length, 0) + plan.heldByNoAuthority.length;
}
