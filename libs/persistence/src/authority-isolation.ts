/**
 * Row-level security by authority, for the tables that hold an authority's data in a database shared by the
 * authorities one process hosts. Each such table gets `authority_key` (default: the authority of the current role),
 * leading its primary key and unique constraints (a person may be in two hosted municipalities' registers), and a
 * policy that shows and accepts only the current authority's rows. The owner (migrations, the outbox relay) is not
 * subject to it; every unit of work of an authority runs as its role (authority-database.ts).
 */
export interface AuthorityTable {
  table: string;
  /** The primary key without authority_key, which is put first. */
  primaryKey: readonly string[];
  /** Unique constraints without authority_key. */
  unique?: readonly (readonly string[])[];
}

/** The authority of the current role `<group>@<authorityKey>` (authority-roles.ts); null for any other role. */
const CURRENT_AUTHORITY_FUNCTION = `
  create or replace function regsync_current_authority() returns text language sql stable parallel safe
  as $$ select nullif(split_part(current_user, '@', 2), '') $$`;

/**
 * The migration step for `tables`. Rows from before (a database of one authority) are given the authority of
 * `regsync.instance_key`, which ServiceDatabaseModule sets on its connections; a table with rows and no such setting
 * fails the migration, it is never guessed.
 */
export async function isolateByAuthority(queryRunner: { query(sql: string): Promise<unknown> }, tables: readonly AuthorityTable[]): Promise<void> {
  await queryRunner.query(CURRENT_AUTHORITY_FUNCTION);
  for (const { table, primaryKey, unique = [] } of tables) {
    await queryRunner.query(`alter table ${table} add column authority_key text`);
    await queryRunner.query(`update ${table} set authority_key = current_setting('regsync.instance_key')`);
    await queryRunner.query(`alter table ${table} alter column authority_key set not null, alter column authority_key set default regsync_current_authority()`);
    await queryRunner.query(`
      do $$
      declare constraint_name text;
      begin
        for constraint_name in select conname from pg_constraint where conrelid = '${table}'::regclass and contype in ('p', 'u') loop
          execute format('alter table ${table} drop constraint %I', constraint_name);
        end loop;
      end $$`);
    await queryRunner.query(`alter table ${table} add primary key (authority_key, ${primaryKey.join(', ')})`);
    // Under the names they had, which callers match (a 23505 on civil_status_records_birth_registration_id_key is a 409).
    for (const columns of unique) {
      await queryRunner.query(`alter table ${table} add constraint ${uniqueConstraintName(table, columns)} unique (authority_key, ${columns.join(', ')})`);
    }
    await queryRunner.query(`alter table ${table} enable row level security`);
    await queryRunner.query(`create policy authority_isolation on ${table} using (authority_key = regsync_current_authority()) with check (authority_key = regsync_current_authority())`);
  }
}

/** Undoes `isolateByAuthority` (a database of one authority again); fails when a table holds two authorities' rows. */
export async function shareByAuthority(queryRunner: { query(sql: string): Promise<unknown> }, tables: readonly AuthorityTable[]): Promise<void> {
  for (const { table, primaryKey, unique = [] } of [...tables].reverse()) {
    await queryRunner.query(`drop policy authority_isolation on ${table}`);
    await queryRunner.query(`alter table ${table} disable row level security`);
    // Drops the primary key and unique constraints that contain it.
    await queryRunner.query(`alter table ${table} drop column authority_key`);
    await queryRunner.query(`alter table ${table} add primary key (${primaryKey.join(', ')})`);
    for (const columns of unique) await queryRunner.query(`alter table ${table} add unique (${columns.join(', ')})`);
  }
}

/** PostgreSQL's name for a unique constraint on `columns` of `table` (without authority_key). */
function uniqueConstraintName(table: string, columns: readonly string[]): string {
  const name = `${table}_${columns.join('_')}_key`;
  if (name.length > 63) throw new Error(`unique constraint ${name}: longer than PostgreSQL's 63 characters`);
  return name;
}
