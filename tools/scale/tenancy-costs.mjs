#!/usr/bin/env node
// `node tools/scale/tenancy-costs.mjs [--authorities 100,1000,10000] [--schema-limit 10000] [--out file.md]`
// Measures, on the real PostgreSQL, what it costs to host N municipal registers in one database (issue 14):
// (a) a schema per authority, (b) one table set with row-level security and a database role per authority.
// A benchmark, not a test. It creates its own databases and roles (prefix regsync_tenancy_bench_), drops them at the
// end, and must not run twice at once. Both options use the municipal register's own migrations, run as they are.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { requireTypeScript } from '../infra/typescript-module.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PREFIX = 'regsync_tenancy_bench_';
const LATENCY_RUNS = 3;
const QUERIES_PER_RUN = 2_000;
const RESIDENTS_PER_AUTHORITY = 5;

const args = parseArgs(process.argv.slice(2));
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The migrations of apps/municipal-register/src/municipal-register.module.ts, in its order. */
function municipalMigrations() {
  const load = (file) => requireTypeScript(join(root, file));
  const messaging = load('libs/messaging/src/messaging-schema.ts');
  const transferLog = load('libs/data-protection/src/transfer-log-schema.ts');
  const app = (file, name) => load(`apps/municipal-register/src/${file}`)[name];
  return [
    ...messaging.messagingMigrations,
    ...transferLog.transferLogMigrations,
    app('residents/residents.migration.ts', 'ResidentsTable1760000300000'),
    app('civil-status/civil-status.migration.ts', 'CivilStatusTable1760000310000'),
    app('property-tax/property-tax.migration.ts', 'PropertyTaxTable1760000320000'),
    app('civil-status/civil-status-birth-record-idnr.migration.ts', 'CivilStatusBirthRecordIdnr1760000330000'),
    ...load('libs/service-runtime/src/idempotency/idempotency-keys.migration.ts').idempotencyMigrations,
    ...load('libs/data-protection/src/information-blocks/information-blocks.migration.ts').informationBlockMigrations,
    app('information-blocks/information-block-audit.migration.ts', 'InformationBlockAuditTable1760000610000'),
    app('residents/residents-dwelling-status.migration.ts', 'ResidentsDwellingStatus1760000700000'),
  ];
}
const MIGRATIONS = municipalMigrations();

/** What TypeORM does on start: its migrations table, then every migration's up. */
async function migrate(client) {
  await client.query('create table migrations (id serial primary key, "timestamp" bigint not null, name varchar not null)');
  for (const Migration of MIGRATIONS) {
    await new Migration().up({ query: (sql, parameters) => client.query(sql, parameters) });
    await client.query('insert into migrations ("timestamp", name) values ($1, $2)', [Number(Migration.name.slice(-13)), Migration.name]);
  }
}

const RESIDENT_COLUMNS = 'idnr, family_name, given_names, sex, date_of_birth, address, moved_in_on, status, dwelling_status';
const residentValues = (authority, n) => [`${String(authority).padStart(5, '0')}${String(n).padStart(6, '0')}`, 'Schmidt', 'Anna', 'FEMALE', '1990-03-14', '{"city":"Dresden"}', '2026-01-01', 'RESIDENT', 'HAUPTWOHNUNG'];

// ---- (a) a schema per authority ----

async function measureSchemas(count) {
  const database = `${PREFIX}schemas_${count}`;
  await createDatabase(database);
  const client = await connect(database);
  try {
    const started = process.hrtime.bigint();
    for (let authority = 1; authority <= count; authority++) {
      const schema = `authority_${authority}`;
      await client.query('begin');
      await client.query(`create schema ${schema}`);
      await client.query(`set local search_path = ${schema}`);
      await migrate(client);
      for (let n = 0; n < RESIDENTS_PER_AUTHORITY; n++) await client.query(`insert into residents (${RESIDENT_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, residentValues(authority, n));
      await client.query('commit');
      if (authority % 500 === 0) progress(`schemas ${count}: ${authority} created`);
    }
    const createSeconds = seconds(started);
    const catalog = await catalogSize(client, database);
    // A fresh backend, as a pooled connection is, that then serves every authority once.
    const fresh = await connect(database);
    try {
      const before = await backendMemory(fresh);
      const tables = await touchedTables(fresh, 'authority_1');
      for (let authority = 1; authority <= count; authority++) {
        await fresh.query(`select ${tables.map((table) => `(select count(*) from authority_${authority}.${table})`).join(', ')}`);
      }
      const after = await backendMemory(fresh);
      const latency = await latencyRuns(() => {
        const authority = 1 + Math.floor(Math.random() * count);
        return fresh.query(`select * from authority_${authority}.residents where idnr = $1`, [residentValues(authority, 2)[0]]);
      });
      return { option: 'schema', count, createSeconds, ...catalog, before, after, latency };
    } finally {
      await fresh.end();
    }
  } finally {
    await client.end();
    await dropDatabase(database);
  }
}

// ---- (b) one table set with row-level security, a role per authority ----

const CURRENT_AUTHORITY = `
  create function regsync_current_authority() returns text language sql stable as $$
    select case when current_user like '${PREFIX}a_%' then substr(current_user, ${PREFIX.length + 3}) end
  $$`;

/** Every primary key, unique constraint and index led by authority_key; a policy per table; grants to the group. */
async function scopeToAuthorities(client, group) {
  await client.query(CURRENT_AUTHORITY);
  const { rows: tables } = await client.query(`select tablename from pg_tables where schemaname = 'public' and tablename <> 'migrations'`);
  for (const { tablename: table } of tables) {
    await client.query(`alter table ${table} add column authority_key text not null default regsync_current_authority()`);
    const { rows: constraints } = await client.query(
      `select conname, pg_get_constraintdef(oid) as definition from pg_constraint where conrelid = $1::regclass and contype in ('p', 'u')`,
      [table],
    );
    for (const { conname, definition } of constraints) {
      await client.query(`alter table ${table} drop constraint ${conname}`);
      await client.query(`alter table ${table} add constraint ${conname} ${definition.replace('(', '(authority_key, ')}`);
    }
    const { rows: indexes } = await client.query(
      `select indexname, indexdef from pg_indexes where tablename = $1 and indexname not in (select conname from pg_constraint where conrelid = $1::regclass)`,
      [table],
    );
    for (const { indexname, indexdef } of indexes) {
      await client.query(`drop index ${indexname}`);
      await client.query(indexdef.replace(/USING btree \(/, 'USING btree (authority_key, '));
    }
    await client.query(`alter table ${table} enable row level security`);
    await client.query(`create policy authority_isolation on ${table} using (authority_key = regsync_current_authority()) with check (authority_key = regsync_current_authority())`);
    await client.query(`grant select, insert, update, delete on ${table} to ${group}`);
  }
  await client.query(`grant usage on all sequences in schema public to ${group}`);
}

async function measureRowLevelSecurity(count) {
  const database = `${PREFIX}rls_${count}`;
  const group = `${PREFIX}municipal_authorities`;
  const service = `${PREFIX}service`;
  const roleOf = (authority) => `${PREFIX}a_${String(authority).padStart(5, '0')}`;
  const admin = await connect('postgres');
  await createDatabase(database);
  await admin.query(`create role ${group} nologin`);
  await admin.query(`create role ${service} login`);
  const client = await connect(database);
  try {
    await client.query('begin');
    await migrate(client);
    await scopeToAuthorities(client, group);
    await client.query('commit');
    const rolesBefore = await sharedCatalogSize(admin);
    const started = process.hrtime.bigint();
    await admin.query('begin');
    for (let authority = 1; authority <= count; authority++) await admin.query(`create role ${roleOf(authority)} nologin in role ${group} role ${service}`);
    await admin.query('commit');
    const createRolesSeconds = seconds(started);
    const rolesAfter = await sharedCatalogSize(admin);
    // The same residents as residentValues gives each authority in (a).
    await client.query(`insert into residents (authority_key, ${RESIDENT_COLUMNS})
      select lpad(a::text, 5, '0'), lpad(a::text, 5, '0') || lpad(n::text, 6, '0'), 'Schmidt', 'Anna', 'FEMALE', '1990-03-14', '{"city":"Dresden"}', '2026-01-01', 'RESIDENT', 'HAUPTWOHNUNG'
      from generate_series(1, ${count}) a, generate_series(0, ${RESIDENTS_PER_AUTHORITY - 1}) n`);
    await client.query('analyze');
    const catalog = await catalogSize(client, database);
    const serviceClient = await connect(database, service);
    try {
      const before = await backendMemory(serviceClient);
      await assertIsolation(serviceClient, roleOf(1));
      const touchAll = `select ${(await touchedTables(client, 'public')).map((table) => `(select count(*) from ${table})`).join(', ')}`;
      for (let authority = 1; authority <= count; authority++) await inTransaction(serviceClient, roleOf(authority), () => serviceClient.query(touchAll));
      const after = await backendMemory(serviceClient);
      const pick = () => 1 + Math.floor(Math.random() * count);
      const keyOf = (authority) => String(authority).padStart(5, '0');
      const idnrOf = (authority) => residentValues(keyOf(authority), 2)[0];
      const selectWithoutRls = await latencyRuns(() => {
        const authority = pick();
        return client.query('select * from residents where authority_key = $1 and idnr = $2', [keyOf(authority), idnrOf(authority)]);
      });
      const selectWithoutRlsInTransaction = await latencyRuns(() => {
        const authority = pick();
        return inTransaction(client, undefined, () => client.query('select * from residents where authority_key = $1 and idnr = $2', [keyOf(authority), idnrOf(authority)]));
      });
      const selectWithRls = await latencyRuns(() => {
        const authority = pick();
        return inTransaction(serviceClient, roleOf(authority), () => serviceClient.query('select * from residents where idnr = $1', [idnrOf(authority)]));
      });
      let inserted = 0;
      const insertWithoutRls = await latencyRuns(() => {
        const authority = pick();
        return inTransaction(client, undefined, () =>
          client.query(`insert into residents (authority_key, ${RESIDENT_COLUMNS}) values ($10, $1, $2, $3, $4, $5, $6, $7, $8, $9)`, [...residentValues(keyOf(authority), 500_000 + inserted++), keyOf(authority)]),
        );
      });
      const insertWithRls = await latencyRuns(() => {
        const authority = pick();
        return inTransaction(serviceClient, roleOf(authority), () =>
          serviceClient.query(`insert into residents (${RESIDENT_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, residentValues(keyOf(authority), 500_000 + inserted++)),
        );
      });
      return {
        option: 'rls', count, createRolesSeconds, ...catalog, rolesBefore, rolesAfter, before, after,
        latency: selectWithRls, selectWithoutRls, selectWithoutRlsInTransaction, insertWithoutRls, insertWithRls,
      };
    } finally {
      await serviceClient.end();
    }
  } finally {
    await client.end();
    await dropDatabase(database);
    await admin.query('begin');
    for (let authority = 1; authority <= count; authority++) await admin.query(`drop role if exists ${roleOf(authority)}`);
    await admin.query('commit');
    await admin.query(`drop role if exists ${service}`);
    await admin.query(`drop role if exists ${group}`);
    await admin.end();
  }
}

/** The measured path must be the isolated one: an authority's role sees its own residents only, and writes no other's. */
async function assertIsolation(serviceClient, role) {
  const { rows } = await inTransaction(serviceClient, role, () => serviceClient.query('select distinct authority_key from residents'));
  if (rows.length !== 1 || !role.endsWith(rows[0].authority_key)) throw new Error(`row-level security did not isolate ${role}: ${JSON.stringify(rows)}`);
  const forged = await inTransaction(serviceClient, role, () =>
    serviceClient.query(`insert into residents (authority_key, ${RESIDENT_COLUMNS}) values ('00002', $1, $2, $3, $4, $5, $6, $7, $8, $9)`, residentValues(2, 999_999)),
  ).catch((error) => error);
  if (!(forged instanceof Error) || !/row-level security/.test(forged.message)) throw new Error(`${role} wrote another authority's row`);
}

async function inTransaction(client, role, work) {
  await client.query('begin');
  try {
    if (role) await client.query(`set local role ${role}`);
    const result = await work();
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

// ---- measuring ----

async function touchedTables(client, schema) {
  const { rows } = await client.query(`select tablename from pg_tables where schemaname = $1 and tablename <> 'migrations' order by tablename`, [schema]);
  return rows.map((row) => row.tablename);
}

async function catalogSize(client, database) {
  const { rows } = await client.query(
    `select pg_database_size($1) as bytes, (select count(*) from pg_class) as classes, (select count(*) from pg_attribute) as attributes`,
    [database],
  );
  return { databaseBytes: Number(rows[0].bytes), pgClassRows: Number(rows[0].classes), pgAttributeRows: Number(rows[0].attributes) };
}

/** Roles live in the cluster's shared catalog, outside every database's size. */
async function sharedCatalogSize(client) {
  const { rows } = await client.query(
    `select (select count(*) from pg_authid) as roles, (select count(*) from pg_auth_members) as memberships,
            pg_total_relation_size('pg_authid') + pg_total_relation_size('pg_auth_members') as bytes`,
  );
  return { roles: Number(rows[0].roles), memberships: Number(rows[0].memberships), bytes: Number(rows[0].bytes) };
}

/** The PostgreSQL backend serving this connection runs on this machine: its /proc status says what it holds. */
async function backendMemory(client) {
  const { rows } = await client.query('select pg_backend_pid() as pid');
  const status = readFileSync(`/proc/${rows[0].pid}/status`, 'utf8');
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
  return { vmRssKiB: kib('VmRSS'), rssAnonKiB: kib('RssAnon') };
}

async function latencyRuns(query) {
  for (let i = 0; i < 200; i++) await query();
  const runs = [];
  for (let run = 0; run < LATENCY_RUNS; run++) {
    const micros = [];
    for (let i = 0; i < QUERIES_PER_RUN; i++) {
      const started = process.hrtime.bigint();
      await query();
      micros.push(Number(process.hrtime.bigint() - started) / 1000);
    }
    micros.sort((a, b) => a - b);
    runs.push({ p50: micros[Math.floor(micros.length / 2)], p99: micros[Math.floor(micros.length * 0.99)] });
  }
  return { p50: median(runs.map((run) => run.p50)), p99: median(runs.map((run) => run.p99)), runs };
}

// ---- plumbing ----

async function connect(database, user) {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  if (user) url.username = user;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return client;
}

async function createDatabase(database) {
  const admin = await connect('postgres');
  await admin.query(`create database ${database}`);
  await admin.end();
}

async function dropDatabase(database) {
  const admin = await connect('postgres');
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
}

/** Databases and roles an interrupted earlier run left behind. */
async function dropLeftovers() {
  const admin = await connect('postgres');
  const { rows: databases } = await admin.query(`select datname from pg_database where datname like '${PREFIX}%'`);
  for (const { datname } of databases) await admin.query(`drop database ${datname} with (force)`);
  const { rows: roles } = await admin.query(`select rolname from pg_roles where rolname like '${PREFIX}%' order by rolname like '${PREFIX}a\\_%' desc`);
  for (const { rolname } of roles) await admin.query(`drop role ${rolname}`);
  await admin.end();
}

async function machine() {
  const admin = await connect('postgres');
  const { rows } = await admin.query(`select version() as version, current_setting('shared_buffers') as shared_buffers, current_setting('max_connections') as max_connections`);
  await admin.end();
  return { cores: cpus().length, cpu: cpus()[0].model, postgres: rows[0].version.split(' on ')[0], sharedBuffers: rows[0].shared_buffers, maxConnections: rows[0].max_connections };
}

function parseArgs(argv) {
  const value = (flag, fallback) => (argv.includes(flag) ? argv[argv.indexOf(flag) + 1] : fallback);
  return {
    authorities: value('--authorities', '100,1000,10000').split(',').map(Number),
    schemaLimit: Number(value('--schema-limit', '10000')),
    out: value('--out', join(root, 'bench', 'results', 'tenancy-costs.md')),
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (started) => Number(process.hrtime.bigint() - started) / 1e9;
const progress = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

// ---- report ----

function report(run) {
  const mib = (kib) => (kib / 1024).toFixed(1);
  const us = (latency) => `${latency.p50.toFixed(0)} / ${latency.p99.toFixed(0)}`;
  const perAuthority = (result, field) => ((result.after[field] - result.before[field]) / result.count).toFixed(1);
  const lines = [
    '# Tenancy costs: a schema per authority vs one table set with row-level security',
    '',
    `Command: \`${run.command}\` (${run.startedAt}, ${run.durationMinutes.toFixed(1)} min). Machine: ${run.machine.cores} cores (${run.machine.cpu}),`,
    `${run.machine.postgres}, shared_buffers ${run.machine.sharedBuffers}, max_connections ${run.machine.maxConnections}; load average at start ${run.loadBefore}, at end ${run.loadAfter}`,
    '(the machine is shared with other developers).',
    '',
    `Table shape: the municipal register's own migrations (${MIGRATIONS.length} migrations: 11 tables, their indexes, a sequence, two functions, a`,
    `trigger, TypeORM's migrations table), ${RESIDENTS_PER_AUTHORITY} residents per authority. (b) adds \`authority_key\` leading every primary key, unique`,
    'constraint and index, a policy `authority_key = regsync_current_authority()` (from `current_user`) per table, a NOLOGIN role per',
    'authority, member of a group role holding the grants, granted to one LOGIN service role. Latencies: client-side µs, p50 / p99,',
    `median of ${LATENCY_RUNS} runs of ${QUERIES_PER_RUN} queries on random authorities after 200 warm-up queries, one connection. Memory: \`/proc/<pg_backend_pid()>/status\` of`,
    'a fresh backend before and after it served every authority once (a query touching its 11 register tables); RssAnon is the backend’s private',
    'memory (catalog and relation caches), VmRSS adds the shared buffers it touched.',
    '',
    '## (a) A schema per authority',
    '',
    '| authorities | create (s) | per authority (ms) | database size (MiB) | pg_class rows | pg_attribute rows | backend RssAnon before → after (MiB) | per authority (KiB) | VmRSS after (MiB) | select by IdNr p50 / p99 (µs) |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...run.results.filter((result) => result.option === 'schema').map((result) =>
      `| ${result.count} | ${result.createSeconds.toFixed(1)} | ${((result.createSeconds * 1000) / result.count).toFixed(1)} | ${(result.databaseBytes / 2 ** 20).toFixed(0)} | ${result.pgClassRows} | ${result.pgAttributeRows} | ${mib(result.before.rssAnonKiB)} → ${mib(result.after.rssAnonKiB)} | ${perAuthority(result, 'rssAnonKiB')} | ${mib(result.after.vmRssKiB)} | ${us(result.latency)} |`,
    ),
    ...run.skipped.map((count) => `| ${count} | not run (--schema-limit ${run.schemaLimit}): projected in docs/scaling.md | | | | | | | | |`),
    '',
    '## (b) One table set, row-level security, a role per authority',
    '',
    '| authorities | create roles (s) | database size (MiB) | pg_class rows | roles / memberships in the cluster | pg_authid + pg_auth_members (KiB) | backend RssAnon before → after (MiB) | per authority (KiB) | VmRSS after (MiB) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...run.results.filter((result) => result.option === 'rls').map((result) =>
      `| ${result.count} | ${result.createRolesSeconds.toFixed(2)} | ${(result.databaseBytes / 2 ** 20).toFixed(0)} | ${result.pgClassRows} | ${result.rolesAfter.roles} / ${result.rolesAfter.memberships} | ${(result.rolesBefore.bytes / 1024).toFixed(0)} → ${(result.rolesAfter.bytes / 1024).toFixed(0)} | ${mib(result.before.rssAnonKiB)} → ${mib(result.after.rssAnonKiB)} | ${perAuthority(result, 'rssAnonKiB')} | ${mib(result.after.vmRssKiB)} |`,
    ),
    '',
    'Latency, p50 / p99 µs (each row: one operation as the service issues it; round trips in brackets):',
    '',
    '| authorities | select by key, no RLS, autocommit (1) | select, no RLS, BEGIN…COMMIT (3) | select, RLS: BEGIN; SET LOCAL ROLE; SELECT; COMMIT (4) | insert, no RLS (3) | insert, RLS (4) |',
    '|---|---|---|---|---|---|',
    ...run.results.filter((result) => result.option === 'rls').map((result) =>
      `| ${result.count} | ${us(result.selectWithoutRls)} | ${us(result.selectWithoutRlsInTransaction)} | ${us(result.latency)} | ${us(result.insertWithoutRls)} | ${us(result.insertWithRls)} |`,
    ),
    '',
    'Per-run p50 (µs), to show the spread:',
    '',
    ...run.results.map((result) => `- ${result.option} ${result.count}: ${result.latency.runs.map((r) => r.p50.toFixed(0)).join(', ')}`),
    '',
  ];
  return lines.join('\n');
}

const startedAt = new Date();
const loadBefore = loadavg().map((load) => load.toFixed(2)).join(' ');
await dropLeftovers();
const results = [];
const skipped = [];
try {
  for (const count of args.authorities) {
    progress(`row-level security, ${count} authorities`);
    results.push(await measureRowLevelSecurity(count));
    if (count > args.schemaLimit) {
      skipped.push(count);
      continue;
    }
    progress(`schema per authority, ${count} authorities`);
    results.push(await measureSchemas(count));
  }
} finally {
  await dropLeftovers();
}
const run = {
  command: `node tools/scale/tenancy-costs.mjs ${process.argv.slice(2).join(' ')}`.trim(),
  startedAt: startedAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  durationMinutes: (Date.now() - startedAt.getTime()) / 60_000,
  machine: await machine(),
  loadBefore,
  loadAfter: loadavg().map((load) => load.toFixed(2)).join(' '),
  schemaLimit: args.schemaLimit,
  results,
  skipped,
};
writeFileSync(join(args.out.replace(/\.md$/, '.json')), JSON.stringify(run, null, 2));
writeFileSync(args.out, report(run));
progress(`written ${args.out}`);
