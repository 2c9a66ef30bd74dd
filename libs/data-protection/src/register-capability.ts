import type { DynamicModule, Type } from '@nestjs/common';
import type { RegisterRestatement } from './restatement/register-restatement';
import type { RegisterSnapshotSource } from '@regsync/observability/register-drift-check';
import type { AnyTableDescriptor } from '@regsync/persistence/register-storage';

// TypeORM takes migration and entity classes as plain constructors.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Constructor = Function;

/**
 * One capability of a register app: a register (or a part of one) with everything that keeps it. Its folder lists
 * here what the app needs to wire it, so the app's root module lists capabilities, not tables.
 */
export interface RegisterCapability {
  /** Its Nest module: controllers, event handlers, services. */
  module: Type | DynamicModule;
  /** The tables it keeps through a RegisterStore (the schema test checks each against the migrations). */
  tables?: readonly AnyTableDescriptor[];
  /** Tables it still reads and writes through TypeORM entities. */
  entities?: readonly Constructor[];
  /** Its migrations, with their historic names (TypeORM runs every app's migrations in timestamp order). */
  migrations: readonly Constructor[];
  /** Its data sets in the ops dashboard's drift check, for the process of `instanceKey`. */
  drift?: (instanceKey: string) => readonly RegisterSnapshotSource[];
  /** The data sets it is authoritative for and restates on an operator's request (drift repair). */
  restatements?: readonly RegisterRestatement[];
}

export function defineRegisterCapability(capability: RegisterCapability): RegisterCapability {
  return capability;
}

/** What a root module wires from its capabilities, each part in capability order. */
export function wiringOf(capabilities: readonly RegisterCapability[]) {
  return {
    modules: capabilities.map(({ module }) => module),
    tables: capabilities.flatMap(({ tables = [] }) => tables),
    entities: capabilities.flatMap(({ entities = [] }) => entities),
    migrations: capabilities.flatMap(({ migrations }) => migrations),
    drift: (instanceKey: string) => capabilities.flatMap(({ drift }) => drift?.(instanceKey) ?? []),
    restatements: capabilities.flatMap(({ restatements = [] }) => restatements),
  };
}
