import { BenchSpec } from './bench-spec';

/** Each role of a run has its own database, like two registers on two servers would. */
export function benchDatabaseName(spec: Pick<BenchSpec, 'namespace' | 'pipeline'>, role: 'producer' | 'consumer'): string {
  return `${spec.namespace}_${spec.pipeline}_${role}`.toLowerCase();
}
