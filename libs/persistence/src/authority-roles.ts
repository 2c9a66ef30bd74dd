import { createHash } from 'node:crypto';
import { AUTHORITY_KEY_PATTERN } from './authority-context';

// PostgreSQL truncates identifiers at 63 bytes; '@' and a key of up to 14 characters follow the prefix.
const MAX_PREFIX_LENGTH = 48;

/**
 * The group role of the authorities of one database: it holds the table grants, so a table's ACL has one entry
 * however many authorities there are. Role names are cluster-wide; the database name makes them unique per database.
 */
export function authorityGroupRoleOf(databaseName: string): string {
  if (databaseName.length <= MAX_PREFIX_LENGTH) return databaseName;
  const hash = createHash('sha256').update(databaseName).digest('hex').slice(0, 8);
  return `${databaseName.slice(0, MAX_PREFIX_LENGTH - hash.length - 1)}_${hash}`;
}

/**
 * The role one authority's transactions take in `databaseName` (NOLOGIN, member of the group role):
 * `<group>@<authorityKey>`. `regsync_current_authority()` (authority-isolation.ts) reads the key after the '@'.
 */
export function authorityRoleOf(databaseName: string, authorityKey: string): string {
  if (!AUTHORITY_KEY_PATTERN.test(authorityKey)) throw new Error(`authority key "${authorityKey}": only letters and digits, at most 14`);
  return `${authorityGroupRoleOf(databaseName)}@${authorityKey}`;
}

export function quotedIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quotedLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Creates the group role and a role per hosted authority unless they exist, and grants the group every table under
 * row-level security (and their sequences); idempotent, one round trip for any number of authorities, safe when
 * replicas start at once. Run in the instance database after its migrations. A connecting user that is not a
 * superuser is made a member of each authority role, so it may SET ROLE to it.
 */
export async function ensureAuthorityRoles(database: { query(sql: string): Promise<unknown> }, databaseName: string, authorityKeys: readonly string[]): Promise<void> {
  const group = authorityGroupRoleOf(databaseName);
  const roles = authorityKeys.map((key) => authorityRoleOf(databaseName, key));
  await database.query(`
    do $$
    declare
      grp text := ${quotedLiteral(group)};
      authority_role text;
      isolated record;
    begin
      perform pg_advisory_xact_lock(hashtext('regsync_authority_roles'));
      begin
        execute format('create role %I nologin', grp);
      exception when duplicate_object or unique_violation then null;
      end;
      foreach authority_role in array array[${roles.map(quotedLiteral).join(', ')}]::text[] loop
        begin
          execute format('create role %I nologin in role %I', authority_role, grp);
        exception when duplicate_object or unique_violation then null;
        end;
        if not (select rolsuper from pg_roles where rolname = current_user) and not pg_has_role(current_user, authority_role, 'member') then
          execute format('grant %I to %I', authority_role, current_user);
        end if;
      end loop;
      for isolated in select c.oid::regclass as name from pg_class c where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r' and c.relrowsecurity loop
        execute format('grant select, insert, update, delete on %s to %I', isolated.name, grp);
      end loop;
      execute format('grant usage on all sequences in schema %I to %I', current_schema(), grp);
    end $$`);
}

/** Drops the roles of `databaseName` (after the database: its grants went with it). */
export async function dropAuthorityRoles(server: { query(sql: string, values?: unknown[]): Promise<{ rows: { rolname: string }[] }> }, databaseName: string): Promise<void> {
  const group = authorityGroupRoleOf(databaseName);
  const { rows } = await server.query(`select rolname from pg_roles where rolname = $1 or starts_with(rolname, $1 || '@') order by rolname = $1`, [group]);
  for (const { rolname } of rows) await server.query(`drop role if exists ${quotedIdentifier(rolname)}`);
}
