import { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import type { EventSubject } from '@regsync/contracts/generated/events';
import type { DeliveryRow } from '@regsync/messaging/outbox';
import { isolateByAuthority } from '@regsync/persistence/authority-isolation';

/**
 * Which subject keys the router gave to which recipient (with a delivery sealed with it, on the recipient's key topic),
 * so that an erasure withdraws each of them: a tombstone on every key topic that carries one of the subject's keys.
 */
export class SubjectKeyGrantsTable1767000100000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table subject_key_grants (
        delivery_topic text not null,
        key_id uuid not null,
        subject_kind text not null,
        subject_id text not null,
        primary key (delivery_topic, key_id)
      )`);
    await queryRunner.query('create index subject_key_grants_subject on subject_key_grants (subject_kind, subject_id)');
    await isolateByAuthority(queryRunner, [{ table: 'subject_key_grants', primaryKey: ['delivery_topic', 'key_id'] }]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table subject_key_grants');
  }
}

export const subjectKeyGrantsMigrations = [SubjectKeyGrantsTable1767000100000];

export const SubjectKeyGrants = {
  /** Records the keys the deliveries give their recipients (a key granted before stays one row). */
  async record(manager: EntityManager, rows: readonly DeliveryRow[]): Promise<void> {
    const granted = rows.filter((row) => row.subjectKey);
    if (granted.length === 0) return;
    await manager.query(
      `insert into subject_key_grants (delivery_topic, key_id, subject_kind, subject_id)
       select * from unnest($1::text[], $2::uuid[], $3::text[], $4::text[]) on conflict do nothing`,
      [granted.map((row) => row.topic), granted.map((row) => row.subjectKey!.id), granted.map((row) => row.event.envelope.subject.kind), granted.map((row) => row.event.envelope.subject.id)],
    );
  },

  /** Forgets every key given out for the subjects and returns where each went (delivery topic and key id). */
  async revoke(manager: EntityManager, subjects: readonly EventSubject[]): Promise<{ deliveryTopic: string; keyId: string }[]> {
    if (subjects.length === 0) return [];
    // A delete's result is [rows, count].
    const [rows] = (await manager.query(
      `delete from subject_key_grants where (subject_kind, subject_id) in (select * from unnest($1::text[], $2::text[]))
       returning delivery_topic as "deliveryTopic", key_id::text as "keyId"`,
      [subjects.map((subject) => subject.kind), subjects.map((subject) => subject.id)],
    )) as [{ deliveryTopic: string; keyId: string }[], number];
    return rows;
  },
};
