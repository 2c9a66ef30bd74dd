import { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { AuthorityTable, isolateByAuthority, shareByAuthority } from '@regsync/persistence/authority-scope';
import type { EventSubject } from '@regsync/contracts/generated/events';
import type { Holding } from '@regsync/register-domain/routing';
import type { RegisterAddress } from '@regsync/register-domain/authorities';

/**
 * Which registers hold or held a subject (the Dutch BRP's afnemersindicaties): the router's record of past deliveries
 * that decides who learns of a death, a name change or an information block.
 */
export class SubjectHoldingsTable1760000700000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table subject_holdings (
        subject_kind text not null,
        subject_id text not null,
        level text not null,
        instance_key text not null,
        register text not null,
        since timestamptz not null default now(),
        primary key (subject_kind, subject_id, level, instance_key, register)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table subject_holdings');
  }
}

const subjectHoldingsAuthorityTables: AuthorityTable[] = [{ table: 'subject_holdings', primaryKey: ['subject_kind', 'subject_id', 'level', 'instance_key', 'register'] }];

/** The router's database follows the same rule as every register's: its unit of work runs as its authority. */
export class SubjectHoldingsAuthorityKeys1760000804000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await isolateByAuthority(queryRunner, subjectHoldingsAuthorityTables);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await shareByAuthority(queryRunner, subjectHoldingsAuthorityTables);
  }
}

export const subjectHoldingsMigrations = [SubjectHoldingsTable1760000700000, SubjectHoldingsAuthorityKeys1760000804000];

/**
 * The holdings of a batch's subjects: read once under their locks, then kept in memory while the batch's events are
 * routed in log order (each event sees the holdings its predecessors created), and written once.
 */
export class SubjectHoldings {
  private readonly pending: { kind: EventSubject['kind']; holding: Holding }[] = [];

  private constructor(private readonly holders: Map<string, RegisterAddress[]>) {}

  /**
   * Locks the subjects for the rest of the transaction (in one order, so two batches cannot deadlock), then reads
   * their holders: two events about a subject from different senders' topics are routed one after the other, each
   * seeing the other's holdings. The read is a statement of its own, so it sees what the lock waited for.
   */
  static async lock(manager: EntityManager, subjects: readonly EventSubject[]): Promise<SubjectHoldings> {
    const kinds = subjects.map((subject) => subject.kind);
    const ids = subjects.map((subject) => subject.id);
    await manager.query(
      `select pg_advisory_xact_lock(lock_key) from (
         select distinct hashtextextended(kind || id, 0) as lock_key from unnest($1::text[], $2::text[]) as subject (kind, id) order by lock_key
       ) as locks`,
      [kinds, ids],
    );
    const rows = (await manager.query(
      `select subject_kind as kind, subject_id as id, level, instance_key as "instanceKey", register from subject_holdings
       where (subject_kind, subject_id) in (select * from unnest($1::text[], $2::text[]))`,
      [kinds, ids],
    )) as (RegisterAddress & { kind: string; id: string })[];
    const holders = new Map<string, RegisterAddress[]>();
    for (const { kind, id, ...holder } of rows) {
      const key = keyOf(kind, id);
      holders.set(key, [...(holders.get(key) ?? []), holder]);
    }
    return new SubjectHoldings(holders);
  }

  /**
   * Ends holdings whose register no longer keeps the subject (its retention of the person ended and the router shredded
   * its copy): later events the holdings route no longer reach it. The caller holds the subjects' locks.
   */
  static async forget(manager: EntityManager, ended: readonly { subject: EventSubject; holder: RegisterAddress }[]): Promise<void> {
    if (ended.length === 0) return;
    await manager.query(
      `delete from subject_holdings where (subject_kind, subject_id, level, instance_key, register) in (select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]))`,
      [ended.map(({ subject }) => subject.kind), ended.map(({ subject }) => subject.id), ended.map(({ holder }) => holder.level), ended.map(({ holder }) => holder.instanceKey), ended.map(({ holder }) => holder.register)],
    );
  }

  /** The registers that hold or held the subject, in one order (level, instance, register). */
  holdersOf(subject: EventSubject): RegisterAddress[] {
    return [...(this.holders.get(keyOf(subject.kind, subject.id)) ?? [])].sort(byAddress);
  }

  /** Adds holdings of subjects of `kind`, or of the holding's own kind (known holdings stay as they are). */
  add(eventSubjectKind: EventSubject['kind'], holdings: readonly Holding[]): void {
    for (const holding of holdings) {
      const kind = holding.subjectKind ?? eventSubjectKind;
      const key = keyOf(kind, holding.subjectId);
      const known = this.holders.get(key) ?? [];
      if (known.some((holder) => byAddress(holder, holding.holder) === 0)) continue;
      this.holders.set(key, [...known, holding.holder]);
      this.pending.push({ kind, holding });
    }
  }

  /** Writes the holdings added since `lock`, in one statement. */
  async record(manager: EntityManager): Promise<void> {
    if (this.pending.length === 0) return;
    await manager.query(
      `insert into subject_holdings (subject_kind, subject_id, level, instance_key, register)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
       on conflict do nothing`,
      [
        this.pending.map(({ kind }) => kind),
        this.pending.map(({ holding }) => holding.subjectId),
        this.pending.map(({ holding }) => holding.holder.level),
        this.pending.map(({ holding }) => holding.holder.instanceKey),
        this.pending.map(({ holding }) => holding.holder.register),
      ],
    );
    this.pending.length = 0;
  }
}

function keyOf(kind: string, id: string): string {
  return `${kind}\u0000${id}`;
}

function byAddress(a: RegisterAddress, b: RegisterAddress): number {
  return a.level.localeCompare(b.level) || a.instanceKey.localeCompare(b.instanceKey) || a.register.localeCompare(b.register);
}
