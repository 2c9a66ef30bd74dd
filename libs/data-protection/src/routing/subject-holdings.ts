import { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import type { EventSubject } from '@regsync/contracts/generated/events';
import type { Holding } from '@regsync/register-domain/delivery-routing';
import type { RegisterAddress } from '@regsync/register-domain/registers';

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

export const subjectHoldingsMigrations = [SubjectHoldingsTable1760000700000];

/**
 * The registers that hold or held the subject. Locks the subject for the rest of the transaction first, so that two
 * events about it (from different senders' topics) are routed one after the other, each seeing the other's holdings.
 */
export async function holdersOf(manager: EntityManager, subject: EventSubject): Promise<RegisterAddress[]> {
  await manager.query('select pg_advisory_xact_lock(hashtextextended($1 || $2, 0))', [subject.kind, subject.id]);
  return (await manager.query(
    'select level, instance_key as "instanceKey", register from subject_holdings where subject_kind = $1 and subject_id = $2 order by level, instance_key, register',
    [subject.kind, subject.id],
  )) as RegisterAddress[];
}

/** Records the holdings of subjects of `kind` (known holdings stay as they are). */
export async function recordHoldings(manager: EntityManager, kind: EventSubject['kind'], holdings: readonly Holding[]): Promise<void> {
  if (holdings.length === 0) return;
  await manager.query(
    `insert into subject_holdings (subject_kind, subject_id, level, instance_key, register)
     select $1, * from unnest($2::text[], $3::text[], $4::text[], $5::text[])
     on conflict do nothing`,
    [
      kind,
      holdings.map((holding) => holding.subjectId),
      holdings.map((holding) => holding.holder.level),
      holdings.map((holding) => holding.holder.instanceKey),
      holdings.map((holding) => holding.holder.register),
    ],
  );
}
