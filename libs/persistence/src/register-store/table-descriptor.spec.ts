import { bigintNumber, date, jsonb, nullable, stringSet, text } from './columns';
import { appendParameters, appendSql, createTableSql, defineTable, deleteSql, driftSql, insertNewSql, lockSql, readBySql, upsertSql } from './table-descriptor';
import { expectedSchema, schemaDifferences } from './table-schema';

interface Entry {
  parcelId: string;
  areaSquareMetres: number;
  usage: 'HOUSE' | 'FIELD';
  ownerIdnrs: string[];
  note: string | null;
  since: string;
  extra: { a: number };
}

const entries = defineTable<Entry, 'updatedAt'>({
  table: 'entries',
  key: ['parcelId'],
  columns: {
    parcelId: text('parcel_id'),
    areaSquareMetres: bigintNumber('area_square_metres'),
    usage: text('usage', ['HOUSE', 'FIELD']),
    ownerIdnrs: stringSet('owner_idnrs'),
    note: nullable(text('note')),
    since: date('since'),
    extra: jsonb('extra', { defaultSql: `'{}'::jsonb` }),
  },
  indexes: [{ name: 'entries_since', fields: ['since'] }],
  stamps: { updatedAt: { name: 'updated_at', on: 'write' } },
});

interface Pair {
  a: string;
  b: number;
  value: string;
}
const pairs = defineTable<Pair>({ table: 'pairs', key: ['a', 'b'], columns: { a: text('a'), b: bigintNumber('b'), value: text('value') }, unique: [['value']] });

describe('SQL from a table descriptor', () => {
  it('creates the table with types, nullability, defaults, checks, key, uniques and indexes', () => {
    expect(createTableSql(entries)).toBe(
      [
        'create table entries (',
        '  parcel_id text not null,',
        '  area_square_metres bigint not null,',
        "  usage text not null check (usage in ('HOUSE', 'FIELD')),",
        '  owner_idnrs jsonb not null,',
        '  note text,',
        '  since date not null,',
        "  extra jsonb not null default '{}'::jsonb,",
        '  updated_at timestamptz not null default now(),',
        '  primary key (parcel_id)',
        ');',
        'create index entries_since on entries (since)',
      ].join('\n'),
    );
    expect(createTableSql(pairs)).toContain('primary key (a, b),\n  unique (value)');
  });

  it('locks by one key field with = any, by several with a row comparison, always in key order', () => {
    expect(lockSql(entries)).toMatch(/ from entries where parcel_id = any\(\$1::text\[\]\) order by parcel_id for update$/);
    expect(lockSql(entries)).toContain(`to_char(since, 'YYYY-MM-DD') as "since"`);
    expect(lockSql(entries)).toContain('updated_at as "updatedAt"');
    expect(lockSql(pairs)).toMatch(/where \(a, b\) in \(select \* from unnest\(\$1::text\[\], \$2::bigint\[\]\)\) order by a, b for update$/);
    expect(deleteSql(pairs, 3)).toBe('delete from pairs where (a, b) in (select * from unnest($4::text[], $5::bigint[]))');
  });

  it('upserts one array parameter per field, key under the authority, write stamps at now()', () => {
    expect(upsertSql(entries, 2)).toBe(
      'insert into entries (parcel_id, area_square_metres, usage, owner_idnrs, note, since, extra, updated_at) ' +
        'select parcel_id, area_square_metres, usage, owner_idnrs, note, since, extra, now() ' +
        'from unnest($3::text[], $4::bigint[], $5::text[], $6::jsonb[], $7::text[], $8::date[], $9::jsonb[]) as incoming (parcel_id, area_square_metres, usage, owner_idnrs, note, since, extra) ' +
        'on conflict (authority_key, parcel_id) do update set area_square_metres = excluded.area_square_metres, usage = excluded.usage, owner_idnrs = excluded.owner_idnrs, ' +
        'note = excluded.note, since = excluded.since, extra = excluded.extra, updated_at = excluded.updated_at',
    );
    const keyOnly = defineTable<{ id: string }>({ table: 'ids', key: ['id'], columns: { id: text('id') } });
    expect(upsertSql(keyOnly)).toMatch(/on conflict \(authority_key, id\) do nothing$/);
  });

  it('compares drift as text, a set of strings sorted, scope and subject from their fields', () => {
    expect(driftSql(entries, { compared: ['areaSquareMetres', 'ownerIdnrs'], scope: 'usage' })).toBe(
      'select parcel_id as subject_id, usage as scope, area_square_metres::text as area_square_metres, ' +
        'array(select element from jsonb_array_elements_text(owner_idnrs) as element order by element) as owner_idnrs from entries',
    );
    expect(() => driftSql(pairs, { compared: ['value'] })).toThrow(/key of one field/);
  });

  it('appends rows as one array per column, an array column as its text form', () => {
    const log = { table: 'log', columns: [{ name: 'id', sqlType: 'uuid' }, { name: 'fields', sqlType: 'text[]' }] };
    expect(appendSql(log, 1)).toBe('insert into log (id, fields) select id, fields::text[] from unnest($2::uuid[], $3::text[]) as appended (id, fields)');
    expect(appendParameters(log, [['u1', ['a', 'b"c\\']]])).toEqual([['u1'], ['{"a","b\\"c\\\\"}']]);
  });

  it('names every difference between a descriptor and a table', () => {
    const expected = expectedSchema(entries);
    expect(expected.primaryKey).toEqual(['authority_key', 'parcel_id']);
    expect(schemaDifferences('entries', expected, expected)).toEqual([]);
    const actual = { ...expected, columns: { ...expected.columns, note: 'text not null' }, indexes: [] };
    expect(schemaDifferences('entries', expected, actual)).toEqual([
      'entries.note: the descriptor says text null, the table has text not null',
      'entries indexes: the descriptor says ["entries_since (since)"], the table has []',
    ]);
  });

  it('refuses a table without a key', () => {
    expect(() => defineTable<{ id: string }>({ table: 'keyless', key: [], columns: { id: text('id') } })).toThrow(/needs a key/);
  });
});

describe('SQL from a table descriptor: inserts and reads by a field', () => {
  it('inserts only rows that conflict with nothing, returning their keys', () => {
    expect(insertNewSql(pairs)).toBe('insert into pairs (a, b, value) select a, b, value from unnest($1::text[], $2::bigint[], $3::text[]) as incoming (a, b, value) on conflict do nothing returning a as "a", b as "b"');
  });

  it('reads by one field, any of several values', () => {
    expect(readBySql(pairs, 'value')).toBe('select a as "a", b as "b", value as "value" from pairs where value = any($1)');
  });
});
