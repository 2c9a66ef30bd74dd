import { setChecksum } from './register-checksum';

interface DatasetDigests {
  dataset: string;
  register: string;
  authoritative: boolean;
  replicaScope: string | null;
  count: number;
  checksum: string;
  subjects: Record<string, { hash: string; scope: string | null }>;
}

/** What one instance answered on GET /ops/registers, with the dashboard's name for the instance. */
export interface InstanceRegisters {
  instance: string;
  datasets: DatasetDigests[];
}

export interface DriftReport {
  dataset: string;
  replica: string;
  register: string;
  replicaScope: string | null;
  /** `instance register` of every authoritative source the expected set was built from. */
  authoritativeSources: string[];
  expectedCount: number;
  replicaCount: number;
  expectedChecksum: string;
  replicaChecksum: string;
  inSync: boolean;
  /** Held by the authority (in the replica's scope) but not by the replica. */
  missing: string[];
  /** Held by the replica but by no authority in its scope (e.g. a move-out the replica did not get). */
  unexpected: string[];
  /** Held by both with different field values. */
  different: string[];
  /** Subjects that two authoritative sources both claim; the replica cannot be right for both. */
  conflicting: string[];
}

/**
 * Scopes are hierarchical keys (AGS = Land + Regierungsbezirk + Kreis + Gemeinde), so a replica scoped to a Land
 * code holds the rows of every municipality of the Land and one scoped to an AGS those of that municipality.
 */
export function inReplicaScope(scope: string | null, replicaScope: string | null): boolean {
  return replicaScope === null || (scope !== null && scope.startsWith(replicaScope));
}

export interface AuthoritativeSubjects {
  /** Every subject an authority holds (in any scope), with its digest and the instance that holds it. */
  authoritative: Map<string, { hash: string; scope: string | null; source: string }>;
  /** Subjects that two authoritative sources both claim. */
  conflicting: Set<string>;
  /** `instance register` of every authoritative source of the data set. */
  sources: string[];
}

/** The union of the authoritative data sets named `dataset`: what the replicas are compared with, and who restates what. */
export function authoritativeSubjects(instances: readonly InstanceRegisters[], dataset: string): AuthoritativeSubjects {
  const authoritative: AuthoritativeSubjects['authoritative'] = new Map();
  const conflicting = new Set<string>();
  const sources: string[] = [];
  for (const instance of instances) {
    for (const digests of instance.datasets.filter((candidate) => candidate.dataset === dataset && candidate.authoritative)) {
      sources.push(`${instance.instance} ${digests.register}`);
      for (const [subjectId, digest] of Object.entries(digests.subjects)) {
        if (authoritative.has(subjectId)) conflicting.add(subjectId);
        authoritative.set(subjectId, { ...digest, source: instance.instance });
      }
    }
  }
  return { authoritative, conflicting, sources };
}

/**
 * Compares every replica data set with the union of the authoritative data sets of the same name, restricted to
 * the replica's scope. Counts and set checksums give the verdict; the per-subject hashes name the subjects.
 */
export function compareRegisters(instances: readonly InstanceRegisters[]): DriftReport[] {
  const reports: DriftReport[] = [];
  const datasetNames = [...new Set(instances.flatMap((instance) => instance.datasets.map((dataset) => dataset.dataset)))].sort();
  for (const name of datasetNames) {
    const { authoritative, conflicting, sources } = authoritativeSubjects(instances, name);
    if (sources.length === 0) continue;
    for (const instance of instances) {
      for (const replica of instance.datasets.filter((candidate) => candidate.dataset === name && !candidate.authoritative)) {
        const expected: Record<string, { hash: string }> = {};
        for (const [subjectId, digest] of authoritative) {
          if (inReplicaScope(digest.scope, replica.replicaScope)) expected[subjectId] = digest;
        }
        const missing = Object.keys(expected).filter((subjectId) => !replica.subjects[subjectId]);
        const unexpected = Object.keys(replica.subjects).filter((subjectId) => !expected[subjectId]);
        const different = Object.keys(replica.subjects).filter((subjectId) => expected[subjectId] && expected[subjectId].hash !== replica.subjects[subjectId].hash);
        const expectedChecksum = setChecksum(expected);
        reports.push({
          dataset: name,
          replica: instance.instance,
          register: replica.register,
          replicaScope: replica.replicaScope,
          authoritativeSources: sources,
          expectedCount: Object.keys(expected).length,
          replicaCount: replica.count,
          expectedChecksum,
          replicaChecksum: replica.checksum,
          inSync: expectedChecksum === replica.checksum,
          missing: missing.sort(),
          unexpected: unexpected.sort(),
          different: different.sort(),
          conflicting: [...conflicting].filter((subjectId) => expected[subjectId]).sort(),
        });
      }
    }
  }
  return reports;
}
