import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Birth records written before the Melderegister passed the IdNr on (birth-record-idnr.ts) lack it, and a name change
 * or death of such a person started a second record by IdNr. Merges that second record into the birth record (its
 * name history continues the birth's), then gives every birth record the IdNr its Melderegister entry holds.
 */
export class CivilStatusBirthRecordIdnr1760000330000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      with pairs as (
        select birth.id as birth_id, later.id as later_id
        from residents r
        join civil_status_records birth on birth.birth_registration_id = r.birth_registration_id and birth.idnr is null
        join civil_status_records later on later.idnr = r.idnr and later.birth_registration_id is null
        where r.idnr is not null
      ), merged as (
        update civil_status_records birth
        set family_name = later.family_name, given_names = later.given_names, marital_status = later.marital_status,
            status = later.status, date_of_death = later.date_of_death, place_of_death = later.place_of_death,
            name_history = birth.name_history || later.name_history, updated_at = greatest(birth.updated_at, later.updated_at)
        from pairs join civil_status_records later on later.id = pairs.later_id
        where birth.id = pairs.birth_id
        returning pairs.later_id
      )
      delete from civil_status_records where id in (select later_id from merged)`);
    await queryRunner.query(`
      update civil_status_records c set idnr = r.idnr
      from residents r
      where c.idnr is null and c.birth_registration_id = r.birth_registration_id and r.idnr is not null`);
  }

  async down(): Promise<void> {
    // Merged records are not split again; the IdNr on a birth record is correct under the old code too.
  }
}
