import { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import type { EventEnvelope } from '@regsync/contracts/generated/events';
import { AuthorityTable, isolateByAuthority } from '@regsync/persistence/authority-scope';
import type { RegisterAddress } from '@regsync/register-domain/authorities';

/**
 * Per recipient instance (its delivery topic), the version of each subject and sender the router delivered there
 * last: stamped on the next delivery (`regsync-previous-delivered-version`) so the recipient can hold at a gap.
 */
export class DeliveredVersionsTable1760000910000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table delivered_versions (
        recipient_level text not null,
        recipient_instance_key text not null,
        subject_kind text not null,
        subject_id text not null,
        source_instance_key text not null,
        source_register text not null,
        version bigint not null,
        primary key (recipient_level, recipient_instance_key, subject_kind, subject_id, source_instance_key, source_register)
      )`);
    await isolateByAuthority(queryRunner, deliveredVersionsAuthorityTables);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table delivered_versions');
  }
}

const deliveredVersionsAuthorityTables: AuthorityTable[] = [
  { table: 'delivered_versions', primaryKey: ['recipient_level', 'recipient_instance_key', 'subject_kind', 'subject_id', 'source_instance_key', 'source_register'] },
];

export const deliveredVersionsMigrations = [DeliveredVersionsTable1760000910000];

type Envelope = Pick<EventEnvelope, 'subject' | 'source' | 'subjectVersion'>;

/**
 * The delivered versions of a batch's subjects: read once (under the subjects' locks, SubjectHoldings.lock), kept in
 * memory while the batch is routed in log order, written once in the routing transaction with the outbox rows.
 */
export class DeliveredVersions {
  private readonly changed = new Set<string>();

  private constructor(private readonly versions: Map<string, number>) {}

  static async read(manager: EntityManager, envelopes: readonly Envelope[]): Promise<DeliveredVersions> {
    const rows = (await manager.query(
      `select recipient_level, recipient_instance_key, subject_kind, subject_id, source_instance_key, source_register, version from delivered_versions
       where (subject_kind, subject_id, source_instance_key, source_register) in (select * from unnest($1::text[], $2::text[], $3::text[], $4::text[]))`,
      [envelopes.map((e) => e.subject.kind), envelopes.map((e) => e.subject.id), envelopes.map((e) => e.source.instanceKey), envelopes.map((e) => e.source.register)],
    )) as { recipient_level: string; recipient_instance_key: string; subject_kind: string; subject_id: string; source_instance_key: string; source_register: string; version: string }[];
    return new DeliveredVersions(
      new Map(rows.map((row) => [[row.recipient_level, row.recipient_instance_key, row.subject_kind, row.subject_id, row.source_instance_key, row.source_register].join('\u0000'), Number(row.version)])),
    );
  }

  /** Records the delivery of `envelope` to `recipient`; returns the version delivered there before it (none: undefined). */
  deliver(recipient: Pick<RegisterAddress, 'level' | 'instanceKey'>, { subject, source, subjectVersion }: Envelope): number | undefined {
    const key = [recipient.level, recipient.instanceKey, subject.kind, subject.id, source.instanceKey, source.register].join('\u0000');
    const previous = this.versions.get(key);
    this.versions.set(key, subjectVersion);
    this.changed.add(key);
    return previous;
  }

  async record(manager: EntityManager): Promise<void> {
    if (this.changed.size === 0) return;
    const rows = [...this.changed].map((key) => [...key.split('\u0000'), String(this.versions.get(key))]);
    await manager.query(
      `insert into delivered_versions as delivered (recipient_level, recipient_instance_key, subject_kind, subject_id, source_instance_key, source_register, version)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[])
       on conflict (authority_key, recipient_level, recipient_instance_key, subject_kind, subject_id, source_instance_key, source_register) do update set version = excluded.version`,
      Array.from({ length: 7 }, (_, column) => rows.map((row) => row[column])),
    );
    this.changed.clear();
  }
}
