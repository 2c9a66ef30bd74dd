import { MigrationInterface, QueryRunner } from 'typeorm';
import { AuthorityTable, isolateByAuthority, shareByAuthority } from '@regsync/persistence/authority-scope';

/**
 * The Idempotency-Keys of this instance's agencies with the answer to the request that used each (idempotent-requests.ts);
 * the answer as `json`, not `jsonb`, so a replay repeats it byte for byte (jsonb reorders keys).
 */
export class IdempotencyKeysTable1760000500000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table regsync_idempotency_keys (
        agency text not null,
        idempotency_key text not null,
        request_fingerprint text not null,
        response_body json not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        primary key (agency, idempotency_key)
      )`);
    await queryRunner.query('create index regsync_idempotency_keys_expires_at on regsync_idempotency_keys (expires_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table regsync_idempotency_keys');
  }
}

/** Add to the app's ServiceDatabaseModule.forRoot({ migrations }) with IdempotencyModule. */
/** Keys are per authority and agency: two hosted authorities' agencies may choose the same key. */
const idempotencyAuthorityTables: AuthorityTable[] = [{ table: 'regsync_idempotency_keys', primaryKey: ['agency', 'idempotency_key'] }];

export class IdempotencyKeysAuthorityKeys1760000802000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await isolateByAuthority(queryRunner, idempotencyAuthorityTables);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await shareByAuthority(queryRunner, idempotencyAuthorityTables);
  }
}

export const idempotencyMigrations = [IdempotencyKeysTable1760000500000, IdempotencyKeysAuthorityKeys1760000802000];
