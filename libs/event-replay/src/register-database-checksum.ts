import { createHash } from 'node:crypto';
import { Client } from 'pg';

export interface TableChecksum {
  table: string;
  rows: number;
  /** The compared columns, in order; the others are bookkeeping (see registerDatabaseChecksum). */
  columns: string[];
  sha256: string;
}

export interface DatabaseChecksum {
  database: string;
  /** sha256 over `table:rows:sha256` lines of every register table, sorted by table name. */
  sha256: string;
  tables: TableChecksum[];
}

/** Not register data: messaging bookkeeping (outbox, inbox, versions), TypeORM's migration list, the transfer log. */
const SKIPPED_TABLES = /^(regsync_|migrations$|typeorm_|transfer_log)/;
/** Columns a replay cannot reproduce: when a row was written (`default now()`) and generated ids. */
const BOOKKEEPING_DEFAULT = /now\(\)|current_timestamp|nextval\(/i;

/**
 * A deterministic checksum of a register database's business data: every register table, every column except
 * application timestamps and generated ids, each value as PostgreSQL's text form (jsonb is normalised), rows in
 * primary-key order (the subject). The same data gives the same checksum whether it was written live or by a replay.
 */
export async function registerDatabaseChecksum(connectionString: string): Promise<DatabaseChecksum> {
  const client = new Client({ connectionString, application_name: 'regsync-replay-checksum' });
  await client.connect();
  try {
    // one snapshot for all tables, so a running service cannot make the tables disagree with each other
    await client.query('begin isolation level repeatable read read only');
    const { rows: tableRows } = await client.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name",
    );
    const tables: TableChecksum[] = [];
    for (const { table_name: table } of tableRows.filter((row) => !SKIPPED_TABLES.test(row.table_name))) {
      const { rows: columnRows } = await client.query<{ column_name: string; column_default: string | null; is_identity: string }>(
        "select column_name, column_default, is_identity from information_schema.columns where table_schema = 'public' and table_name = $1 order by column_name",
        [table],
      );
      const columns = columnRows.filter((c) => c.is_identity !== 'YES' && !BOOKKEEPING_DEFAULT.test(c.column_default ?? '')).map((c) => c.column_name);
      const { rows: keyRows } = await client.query<{ column_name: string }>(
        `select a.attname as column_name from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
         where i.indrelid = $1::regclass and i.indisprimary order by array_position(i.indkey::int2[], a.attnum)`,
        [`public."${table}"`],
      );
      const orderBy = (keyRows.length > 0 ? keyRows.map((k) => k.column_name) : columns).map((c) => `"${c}"::text`).join(', ');
      const { rows } = await client.query({ text: `select ${columns.map((c) => `"${c}"::text`).join(', ')} from "${table}" order by ${orderBy}`, rowMode: 'array' });
      const hash = createHash('sha256');
      for (const row of rows) hash.update(`${JSON.stringify(row)}\n`);
      tables.push({ table, rows: rows.length, columns, sha256: hash.digest('hex') });
    }
    await client.query('commit');
    const overall = createHash('sha256');
    for (const table of tables) overall.update(`${table.table}:${table.rows}:${table.sha256}\n`);
    return { database: new URL(connectionString).pathname.slice(1), sha256: overall.digest('hex'), tables };
  } finally {
    await client.end();
  }
}
