import { MigrationInterface, QueryRunner } from 'typeorm';
import { AuthorityTable, isolateByAuthority, shareByAuthority } from '@regsync/persistence/authority-scope';
import { TransferLogRecord } from './transfer-log-record.entity';

export class TransferLogTable1760000200000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table transfer_log (
        id bigserial primary key,
        event_id uuid not null,
        event_type text not null,
        correlation_id text not null,
        idnr text,
        subject_id text not null,
        sender_level text not null,
        sender_instance text not null,
        sender_register text not null,
        recipient_level text not null,
        recipient_instance text not null,
        recipient_register text not null,
        fields text[] not null,
        legal_basis text not null,
        purpose text not null,
        transferred_at timestamptz not null default now()
      )`);
    // The cockpit asks by IdNr; the retention job deletes by age; a newborn's rows are found by subject.
    await queryRunner.query('create index transfer_log_idnr on transfer_log (idnr, transferred_at)');
    await queryRunner.query('create index transfer_log_transferred_at on transfer_log (transferred_at)');
    await queryRunner.query('create index transfer_log_subject on transfer_log (subject_id) where idnr is null');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table transfer_log');
  }
}

/** Each hosted authority's transfers are its own: its cockpit answers and its deletions reach no other's. */
const transferLogAuthorityTables: AuthorityTable[] = [{ table: 'transfer_log', primaryKey: ['id'] }];

export class TransferLogAuthorityKeys1760000801000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await isolateByAuthority(queryRunner, transferLogAuthorityTables);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await shareByAuthority(queryRunner, transferLogAuthorityTables);
  }
}

/** A drift repair names who asked for it with each transfer it causes (NamesRestated, ResidenceRestated). */
export class TransferLogRequestedBy1760000900000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table transfer_log add column requested_by text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table transfer_log drop column requested_by');
  }
}

/** Add to the app's ServiceDatabaseModule.forRoot({ entities, migrations }). */
export const transferLogEntities = [TransferLogRecord];
export const transferLogMigrations = [TransferLogTable1760000200000, TransferLogAuthorityKeys1760000801000, TransferLogRequestedBy1760000900000];
