import {
  appendParameters,
  appendSql,
  columnOf,
  deleteSql,
  fieldsOf,
  insertNewSql,
  listSql,
  readBySql,
  lockSql,
  readSql,
  upsertSql,
  uniqueFieldSets,
  ROW_ID_ALIAS,
  type AppendTable,
  type FieldOf,
  type StoredRow,
  type TableDescriptor,
} from './table-descriptor';

/** What the store sends statements through: the unit of work's EntityManager (or any pg-like client). */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** What `reduce` answers to drop the subject's row (e.g. a parcel that left the municipality). */
export const REMOVE_ROW = Symbol('remove row');

/**
 * The row as it should be after the event: a new row, `existing` itself (or undefined where there is none) when the
 * event changes nothing, or REMOVE_ROW.
 */
export type Reduce<Row, E> = (existing: Row | undefined, event: E) => Row | undefined | typeof REMOVE_ROW;

/** Rows of another table written in the same statement as the register change (the transfer log rows). */
export interface AppendedRows {
  into: AppendTable;
  /** Each row's values in the table's column order. */
  rows: readonly (readonly unknown[])[];
}

export interface AppliedEvents<Row> {
  /** Per event: whether it changed its subject's row (only those are logged or announced). */
  changed: boolean[];
  /** Per event: its subject's row before it (undefined when there was none). */
  before: (Row | undefined)[];
  /** Per event: its subject's row after it (undefined when there is none). */
  after: (Row | undefined)[];
}

/** The fields that name one row: its key (e.g. `{ parcelId }`), or the fields of a unique constraint (`{ birthRegistrationId }`). */
export type KeyOf<Row> = Partial<Row>;

/**
 * One register table, kept through its descriptor: the locking read, many-row upsert and delete, in as few
 * statements as the change needs, and `applyEvents`, the one path by which events change it. Rows are found by their
 * key or by the fields of a unique constraint, whichever the given keys name.
 */
export class RegisterStore<Row, Stamps extends string = never> {
  /** The generated row id of each row read, and of each row that replaces one in applyEvents (descriptor.rowId). */
  private readonly rowIds = new WeakMap<object, string>();

  constructor(readonly descriptor: TableDescriptor<Row, Stamps>) {}

  /** The rows of `keys` (unlocked, any order). */
  async read(db: Queryable, keys: readonly KeyOf<Row>[]): Promise<StoredRow<Row, Stamps>[]> {
    if (keys.length === 0) return [];
    const by = this.fieldsNamedBy(keys[0]);
    return this.decodeAll(await db.query(readSql(this.descriptor, by), this.keyArrays(keys, by)));
  }

  /** The row of `key`; with `lock`, locked until the transaction ends (for a change that follows). */
  async find(db: Queryable, key: KeyOf<Row>, options: { lock?: boolean } = {}): Promise<StoredRow<Row, Stamps> | undefined> {
    if (options.lock) return (await this.lock(db, [key])).get(this.keyString(key, this.fieldsNamedBy(key)));
    return (await this.read(db, [key]))[0];
  }

  /** The rows whose `field` (e.g. a unique one, or one that names a person) has one of `values` (unlocked, any order). */
  async readBy<F extends keyof Row & string>(db: Queryable, field: F, values: readonly Row[F][]): Promise<StoredRow<Row, Stamps>[]> {
    if (values.length === 0) return [];
    const column = columnOf(this.descriptor, field);
    return this.decodeAll(await db.query(readBySql(this.descriptor, field), [values.map((value) => column.encode(value))]));
  }

  /** Inserts each row that conflicts with none held (key or unique); returns the keys of those inserted. */
  async insertNew(db: Queryable, rows: readonly Row[]): Promise<KeyOf<Row>[]> {
    if (rows.length === 0) return [];
    return (await db.query(insertNewSql(this.descriptor), this.rowArrays(rows))) as KeyOf<Row>[];
  }

  /** Every row the current authority holds, in key order (or the order of the row ids). */
  async list(db: Queryable): Promise<StoredRow<Row, Stamps>[]> {
    return this.decodeAll(await db.query(listSql(this.descriptor)));
  }

  /** The rows of `keys`, locked until the transaction ends (in the order of the fields the keys name), by their `keyString`. */
  async lock(db: Queryable, keys: readonly KeyOf<Row>[]): Promise<Map<string, StoredRow<Row, Stamps>>> {
    if (keys.length === 0) return new Map();
    const by = this.fieldsNamedBy(keys[0]);
    const unique = [...new Map(keys.map((key) => [this.keyString(key, by), key])).values()];
    const rows = this.decodeAll(await db.query(lockSql(this.descriptor, by), this.keyArrays(unique, by)));
    return new Map(rows.map((row) => [this.keyString(row, by), row]));
  }

  /**
   * Upserts `rows` and deletes `removed` (keys disjoint, each once) and appends `also`, all in one statement: a
   * data-modifying WITH runs each part exactly once. With a row id, a row this store read (or applyEvents made from
   * one) is updated, any other inserted.
   */
  async write(db: Queryable, rows: readonly Row[], removed: readonly KeyOf<Row>[] = [], also?: AppendedRows): Promise<void> {
    const parts: { sql: (offset: number) => string; parameters: unknown[] }[] = [];
    if (rows.length > 0) parts.push({ sql: (offset) => upsertSql(this.descriptor, offset), parameters: this.rowArrays(rows) });
    if (removed.length > 0) {
      const by = this.fieldsNamedBy(removed[0]);
      parts.push({ sql: (offset) => deleteSql(this.descriptor, offset, by), parameters: this.keyArrays(removed, by) });
    }
    if (also && also.rows.length > 0) parts.push({ sql: (offset) => appendSql(also.into, offset), parameters: appendParameters(also.into, also.rows) });
    if (parts.length === 0) return;
    const statements: string[] = [];
    const parameters: unknown[] = [];
    for (const part of parts) {
      statements.push(part.sql(parameters.length));
      parameters.push(...part.parameters);
    }
    const last = statements.pop()!;
    const sql = statements.length === 0 ? last : `with ${statements.map((statement, index) => `register_write_${index} as (${statement})`).join(', ')} ${last}`;
    await db.query(sql, parameters);
  }

  /**
   * The one way events change the table, for one event as for a chunk: their subjects (named alike by every event: by
   * the key, or by one unique field set) locked in one read, each event reduced in order from what the event before it
   * left for its subject, then every changed row written (and the rows `also` gives for the events appended) in one
   * statement. Nothing is written when nothing changed and `also` gives no rows. A `reduce` that throws (a
   * RegisterRejection) leaves the table as it was.
   */
  async applyEvents<E>(
    db: Queryable,
    events: readonly E[],
    how: { subjectOf: (event: E) => KeyOf<Row>; reduce: Reduce<Row, E>; also?: (applied: AppliedEvents<Row>) => AppendedRows | undefined },
  ): Promise<AppliedEvents<Row>> {
    const applied: AppliedEvents<Row> = { changed: [], before: [], after: [] };
    if (events.length === 0) return applied;
    const by = this.fieldsNamedBy(how.subjectOf(events[0]));
    const current = new Map<string, Row | undefined>(await this.lock(db, events.map(how.subjectOf)));
    const touched = new Set<string>();
    for (const event of events) {
      const key = this.keyString(how.subjectOf(event), by);
      const existing = current.get(key);
      const reduced = how.reduce(existing, event);
      const next = reduced === REMOVE_ROW ? undefined : reduced === undefined ? existing : reduced;
      const changed = next !== existing;
      if (changed) {
        const rowId = existing && this.rowIds.get(existing as object);
        if (next && rowId !== undefined) this.rowIds.set(next as object, rowId);
        current.set(key, next);
        touched.add(key);
      }
      applied.changed.push(changed);
      applied.before.push(existing);
      applied.after.push(next);
    }
    const keys = [...touched].sort();
    const written = keys.flatMap((key) => current.get(key) ?? []);
    const removed = keys.filter((key) => current.get(key) === undefined).map((key) => this.keyOfString(key, by));
    await this.write(db, written, removed, how.also?.(applied));
    return applied;
  }

  /** A key as one string (the values of the fields `by`, the key's unless given, as JSON), for maps. */
  keyString(row: KeyOf<Row>, by: readonly FieldOf<Row>[] = this.descriptor.key): string {
    return JSON.stringify(by.map((field) => row[field]));
  }

  /** The key or the unique field set that `key` names (its properties). */
  private fieldsNamedBy(key: KeyOf<Row>): readonly FieldOf<Row>[] {
    const named = Object.keys(key).sort().join();
    const by = [this.descriptor.key, ...uniqueFieldSets(this.descriptor)].find((fields) => [...fields].sort().join() === named);
    if (!by) throw new Error(`table ${this.descriptor.table}: ${named} is neither its key nor unique`);
    return by;
  }

  private keyOfString(key: string, by: readonly FieldOf<Row>[]): KeyOf<Row> {
    const values = JSON.parse(key) as unknown[];
    return Object.fromEntries(by.map((field, index) => [field, values[index]])) as KeyOf<Row>;
  }

  private keyArrays(keys: readonly KeyOf<Row>[], by: readonly FieldOf<Row>[]): unknown[][] {
    return by.map((field) => keys.map((key) => columnOf(this.descriptor, field).encode(key[field])));
  }

  private rowArrays(rows: readonly Row[]): unknown[][] {
    const columns = fieldsOf(this.descriptor).map((field) => rows.map((row) => columnOf(this.descriptor, field).encode(row[field])));
    return this.descriptor.rowId ? [rows.map((row) => this.rowIds.get(row as object) ?? null), ...columns] : columns;
  }

  private decodeAll(raw: unknown): StoredRow<Row, Stamps>[] {
    return (raw as Record<string, unknown>[]).map(({ [ROW_ID_ALIAS]: rowId, ...selected }) => {
      const row: Record<string, unknown> = { ...selected };
      for (const field of fieldsOf(this.descriptor)) row[field] = columnOf(this.descriptor, field).decode(selected[field]);
      if (typeof rowId === 'string') this.rowIds.set(row, rowId);
      return row as StoredRow<Row, Stamps>;
    });
  }
}
