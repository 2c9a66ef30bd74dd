import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { DataSource, EntityManager } from 'typeorm';
import { runAsAuthority } from '../authority-context';
import { AuthorityDatabase } from '../authority-database';
import { isolateByAuthority } from '../authority-isolation';
import { ensureAuthorityRoles } from '../authority-roles';
import { databaseUrl } from '../database-url';
import { dropDatabase, ensureDatabase } from '../ensure-database';
import { bigintNumber, boolean, date, integer, jsonb, nullable, stringSet, text, timestamptz } from './columns';
import { REMOVE_ROW, RegisterStore } from './register-store';
import { createTableSql, defineTable } from './table-descriptor';
import { schemaMismatches } from './table-schema';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Sample {
  id: string;
  count: number;
  big: number;
  flag: boolean;
  day: string;
  at: Date;
  kind: 'A' | 'B';
  names: string[];
  address: { street: string; houseNumber: string | null };
  note: string | null;
  since: string | null;
}

const samples = defineTable<Sample, 'updatedAt' | 'createdAt'>({
  table: 'samples',
  key: ['id'],
  columns: {
    id: text('id'),
    count: integer('count'),
    big: bigintNumber('big'),
    flag: boolean('flag'),
    day: date('day'),
    at: timestamptz('at'),
    kind: text('kind', ['A', 'B']),
    names: stringSet('names'),
    address: jsonb('address'),
    note: nullable(text('note')),
    since: nullable(date('since')),
  },
  indexes: [{ name: 'samples_day', fields: ['day'] }],
  stamps: { updatedAt: { name: 'updated_at', on: 'write' }, createdAt: { name: 'created_at', on: 'insert' } },
});

/** A row whose key is set only later (like a newborn's IdNr): found by `ref` until then. */
interface Person {
  code: string | null;
  ref: string | null;
  name: string;
}

const persons = defineTable<Person>({
  table: 'persons',
  rowId: 'id',
  key: ['code'],
  columns: { code: nullable(text('code')), ref: nullable(text('ref')), name: text('name') },
  unique: [['ref']],
  checks: [{ fields: ['code', 'ref'], condition: 'code is not null or ref is not null' }],
});

// Text PostgreSQL can hold (no NUL), of any other code point, quotes, backslashes and braces included.
const storableText = fc.string({ unit: 'grapheme', maxLength: 12 }).map((value) => value.replace(/\0/g, ''));
const day = fc.date({ min: new Date('1890-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }).map((value) => value.toISOString().slice(0, 10));
const sample: fc.Arbitrary<Sample> = fc.record({
  id: fc.uuid(),
  count: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  big: fc.maxSafeInteger(),
  flag: fc.boolean(),
  day,
  at: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }),
  kind: fc.constantFrom('A' as const, 'B' as const),
  names: fc.array(storableText, { maxLength: 4 }),
  address: fc.record({ street: storableText, houseNumber: fc.option(storableText, { nil: null }) }),
  note: fc.option(storableText, { nil: null }),
  since: fc.option(day, { nil: null }),
});

describe('RegisterStore on real PostgreSQL', () => {
  const name = `regsync_test_store_${randomBytes(4).toString('hex')}`;
  const store = new RegisterStore(samples);
  let dataSource: DataSource;
  let database: AuthorityDatabase;
  const as = <T>(authority: string, work: (manager: EntityManager) => Promise<T>) => runAsAuthority(authority, () => database.transaction(work));

  beforeAll(async () => {
    await ensureDatabase(serverUrl, name);
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, name), extra: { max: 3 } }).initialize();
    await dataSource.query(createTableSql(samples));
    await dataSource.query(createTableSql(persons));
    await isolateByAuthority(dataSource, [
      { table: 'samples', primaryKey: ['id'] },
      { table: 'persons', primaryKey: ['id'], unique: [['code'], ['ref']] },
    ]);
    await ensureAuthorityRoles(dataSource, name, ['03404000', '14612000']);
    database = new AuthorityDatabase(dataSource, name);
  }, 30_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(serverUrl, name);
  });

  it('creates what the descriptor describes, and names a column the table lacks', async () => {
    await expect(schemaMismatches(dataSource.manager, samples)).resolves.toEqual([]);
    const drifted = defineTable<Sample & { extra: string }, 'updatedAt' | 'createdAt'>({ ...samples, columns: { ...samples.columns, extra: text('extra') } });
    await expect(schemaMismatches(dataSource.manager, drifted)).resolves.toEqual(['samples.extra: the descriptor says text not null, the table has no such column']);
  });

  it('reads back any row it wrote, as it was (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(sample, { selector: (row) => row.id, minLength: 1, maxLength: 5 }), async (rows) => {
        await as('03404000', (manager) => store.write(manager, rows));
        const read = await as('03404000', (manager) => store.read(manager, rows.map(({ id }) => ({ id }))));
        const byId = new Map(read.map(({ updatedAt: _updatedAt, createdAt: _createdAt, ...row }) => [row.id, row]));
        for (const row of rows) expect(byId.get(row.id)).toEqual(row);
      }),
      { numRuns: 40 },
    );
  });

  it('applies events in order, each from what the one before left, in one write; removes; writes nothing for no change', async () => {
    const [first, second] = fc.sample(sample, 2);
    type Event = { id: string; count?: number; remove?: true };
    const reduce = (existing: Sample | undefined, event: Event) => {
      if (event.remove) return existing ? REMOVE_ROW : undefined;
      if (event.count === undefined) return existing;
      return { ...(existing ?? { ...first, id: event.id }), count: (existing?.count ?? 0) + event.count };
    };
    const statements: string[] = [];
    const counting = (manager: EntityManager) => ({ query: (sql: string, parameters?: unknown[]) => (statements.push(sql), manager.query(sql, parameters)) });
    const events: Event[] = [{ id: first.id, count: 1 }, { id: second.id, count: 5 }, { id: first.id, count: 2 }, { id: first.id }, { id: second.id, remove: true }, { id: second.id, count: 7 }];
    const applied = await as('03404000', (manager) => store.applyEvents(counting(manager), events, { subjectOf: ({ id }) => ({ id }), reduce }));
    expect(applied.changed).toEqual([true, true, true, false, true, true]);
    expect(applied.before.map((row) => row?.count)).toEqual([undefined, undefined, 1, 3, 5, undefined]);
    expect(applied.after.map((row) => row?.count)).toEqual([1, 5, 3, 3, undefined, 7]);
    expect(statements).toHaveLength(2); // the locking read, the write
    expect((await as('03404000', (manager) => store.read(manager, [{ id: first.id }, { id: second.id }]))).map((row) => [row.id, row.count]).sort()).toEqual([[first.id, 3], [second.id, 7]].sort());

    statements.length = 0;
    const removed = await as('03404000', (manager) => store.applyEvents(counting(manager), [{ id: second.id, remove: true }, { id: 'never-held', remove: true }], { subjectOf: ({ id }) => ({ id }), reduce }));
    expect(removed.changed).toEqual([true, false]);
    expect(statements[1]).toMatch(/^delete from samples/);
    await expect(as('03404000', (manager) => store.find(manager, { id: second.id }))).resolves.toBeUndefined();

    statements.length = 0;
    await as('03404000', (manager) => store.applyEvents(counting(manager), [{ id: first.id }], { subjectOf: ({ id }) => ({ id }), reduce }));
    expect(statements).toHaveLength(1);
  });

  it('appends the other table\'s rows in the same statement, and writes neither when one fails', async () => {
    await dataSource.query('create table notes (id text primary key, tags text[] not null)');
    await dataSource.query(`grant select, insert on notes to "${name}"`);
    const [row] = fc.sample(sample, 1);
    const into = { table: 'notes', columns: [{ name: 'id', sqlType: 'text' }, { name: 'tags', sqlType: 'text[]' }] };
    await as('03404000', (manager) => store.write(manager, [row], [], { into, rows: [[row.id, ['a', 'b,"c']]] }));
    await expect(dataSource.query('select tags from notes where id = $1', [row.id])).resolves.toEqual([{ tags: ['a', 'b,"c'] }]);
    await expect(as('03404000', (manager) => store.write(manager, [{ ...row, count: 99 }], [], { into, rows: [[row.id, []]] }))).rejects.toThrow(/duplicate key/);
    await expect(as('03404000', (manager) => store.find(manager, { id: row.id }))).resolves.toMatchObject({ count: row.count });
  });

  it('keeps a generated row id to itself: a row found by a unique field, given its key later, stays one row, listed in the order made', async () => {
    await expect(schemaMismatches(dataSource.manager, persons)).resolves.toEqual([]);
    const personStore = new RegisterStore(persons);
    type Change = { ref?: string; code?: string; name: string };
    const rename = (existing: Person | undefined, change: Change) => (existing ? { ...existing, name: change.name } : undefined);
    const born = (existing: Person | undefined, change: Change) => existing ?? { code: null, ref: change.ref!, name: change.name };
    await as('03404000', (manager) => personStore.applyEvents(manager, [{ ref: 'r1', name: 'Anna' }, { ref: 'r2', name: 'Ben' }], { subjectOf: ({ ref }) => ({ ref }), reduce: born }));
    // The key arrives: a new object for the row found by ref, written over the same row.
    await as('03404000', (manager) => personStore.applyEvents(manager, [{ ref: 'r1', code: 'c1', name: 'Anna' }], { subjectOf: ({ ref }) => ({ ref }), reduce: (existing, { code }) => existing && { ...existing, code: code! } }));
    await as('03404000', (manager) => personStore.applyEvents(manager, [{ code: 'c1', name: 'Anna Maria' }], { subjectOf: ({ code }) => ({ code }), reduce: rename }));
    const listed = await as('03404000', (manager) => personStore.list(manager));
    expect(listed).toEqual([
      { code: 'c1', ref: 'r1', name: 'Anna Maria' },
      { code: null, ref: 'r2', name: 'Ben' },
    ]);
    await expect(dataSource.query("select count(*)::int as count from persons where ref = 'r1'")).resolves.toEqual([{ count: 1 }]);
    await expect(as('03404000', (manager) => personStore.find(manager, { name: 'Ben' }))).rejects.toThrow('table persons: name is neither its key nor unique');
  });

  it('keeps each authority to its own rows: the same key is two rows, lists and locks see one', async () => {
    const [row] = fc.sample(sample, 1);
    await as('03404000', (manager) => store.write(manager, [{ ...row, note: 'Osnabrück' }]));
    await as('14612000', (manager) => store.write(manager, [{ ...row, note: 'Dresden' }]));
    await expect(as('14612000', (manager) => store.find(manager, { id: row.id }))).resolves.toMatchObject({ note: 'Dresden' });
    await expect(as('03404000', (manager) => store.lock(manager, [{ id: row.id }]))).resolves.toEqual(new Map([[store.keyString(row), expect.objectContaining({ note: 'Osnabrück' })]]));
    expect((await as('14612000', (manager) => store.list(manager))).map(({ id }) => id)).toEqual([row.id]);
  });
});
