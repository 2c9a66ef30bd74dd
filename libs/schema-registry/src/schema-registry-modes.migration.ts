import { MigrationInterface, QueryRunner } from 'typeorm';

export class SchemaRegistryModes1765000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`create table modes (subject text primary key, mode text not null check (mode in ('READWRITE', 'READONLY', 'READONLY_OVERRIDE')))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table modes');
  }
}
