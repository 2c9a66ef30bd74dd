import { MigrationInterface, QueryRunner } from 'typeorm';

export class SchemaRegistryTables1760000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table schemas (
        id int primary key check (id > 0),
        schema_type text not null,
        schema text not null,
        fingerprint text not null unique,
        registered_at timestamptz not null default now()
      )`);
    await queryRunner.query(`
      create table subject_versions (
        subject text not null,
        version int not null check (version > 0),
        schema_id int not null references schemas (id),
        deleted boolean not null default false,
        registered_at timestamptz not null default now(),
        primary key (subject, version)
      )`);
    await queryRunner.query(`create index subject_versions_schema_id on subject_versions (schema_id)`);
    await queryRunner.query(`
      create table compatibility_configs (
        subject text primary key,
        compatibility_level text not null check (compatibility_level in
          ('NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'))
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table compatibility_configs');
    await queryRunner.query('drop table subject_versions');
    await queryRunner.query('drop table schemas');
  }
}
