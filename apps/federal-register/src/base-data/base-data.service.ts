import { Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { DeathRecorded, InformationBlockLifted, InformationBlockSet, NameChanged, NamesRestated } from '@regsync/contracts/generated/events';
import { applyReceivedBlock } from '@regsync/data-protection/information-blocks/information-block-store';
import { applyBlockLift, applyBlockSet } from '@regsync/register-domain/registers/information-block';
import type { BatchChangeOutcome, ChangeOutcome } from '@regsync/data-protection/admitted-transfer-handler';
import { assertIdnr } from '@regsync/register-domain/idnr';
import { applyResidenceToBaseData, changeBaseDataName, recordBaseDataDeath, type IdnrBaseData, type ResidenceForBaseData } from '@regsync/register-domain/registers/idnr-base-data';
import { restateNames } from '@regsync/register-domain/registers/restated-names';
import { IdnrBaseDataEntity } from './idnr-base-data.entity';
import { AuthorityDatabase } from '@regsync/persistence/authority-database';

/** Keeps the IdNr base data current from the municipalities' events (§ 139b Abs. 8 AO). */
@Injectable()
export class BaseDataService {
  constructor(private readonly database: AuthorityDatabase) {}

  /** A registration, or a Melderegister's restated current registration (a drift repair): the same rule by move-in date. */
  async applyResidence(manager: EntityManager, residence: ResidenceForBaseData): Promise<ChangeOutcome> {
    return this.change(manager, residence.idnr, (existing) => applyResidenceToBaseData(existing, residence));
  }

  /** `applyResidence` for a batch, in order: one locking read and one write for all of them. */
  async applyResidences(manager: EntityManager, residences: ResidenceForBaseData[]): Promise<BatchChangeOutcome> {
    return this.changeAll(manager, residences, applyResidenceToBaseData);
  }

  async applyNameChange(manager: EntityManager, change: NameChanged): Promise<ChangeOutcome> {
    return this.change(manager, change.idnr, (existing) => changeBaseDataName(existing, change));
  }

  /** A drift repair of the names (NamesRestated): no former name is added, the record is corrected. */
  async applyNamesRestated(manager: EntityManager, names: NamesRestated): Promise<ChangeOutcome> {
    return this.change(manager, names.idnr, (existing) => restateNames(existing, names));
  }

  async applyDeath(manager: EntityManager, death: DeathRecorded): Promise<ChangeOutcome> {
    return this.change(manager, death.idnr, (existing) => recordBaseDataDeath(existing, death));
  }

  /** Auskunftssperren of the base data (§ 139b Abs. 6 Satz 1 Nr. 10 AO), for an IdNr the BZSt holds. */
  async applyInformationBlockSet(manager: EntityManager, set: InformationBlockSet): Promise<ChangeOutcome> {
    return applyReceivedBlock(manager, await this.holds(manager, set.idnr), set, applyBlockSet);
  }

  async applyInformationBlockLifted(manager: EntityManager, lift: InformationBlockLifted): Promise<ChangeOutcome> {
    return applyReceivedBlock(manager, await this.holds(manager, lift.idnr), lift, applyBlockLift);
  }

  private async holds(manager: EntityManager, idnr: string): Promise<boolean> {
    return ((await manager.query('select 1 from idnr_base_data where idnr = $1', [idnr])) as unknown[]).length > 0;
  }

  async get(idnr: string): Promise<IdnrBaseDataEntity> {
    assertIdnr(idnr);
    const data = await this.database.transaction((manager) => manager.getRepository(IdnrBaseDataEntity).findOne({ where: { idnr } }));
    if (!data) throw new NotFoundException(`no base data for IdNr ${idnr}`);
    return data;
  }

  private async change(manager: EntityManager, idnr: string, apply: (existing: IdnrBaseData | undefined) => IdnrBaseData | undefined): Promise<ChangeOutcome> {
    // One locking read here and one plain write, which the transfer handler sends with the transfer log rows
    // (`save` would select the row a second time).
    const [existing] = (await manager.query(SELECT_FOR_UPDATE, [idnr])) as IdnrBaseData[];
    const next = apply(existing);
    if (!next || next === existing) return 'nothing-to-apply';
    return { sql: existing ? UPDATE : INSERT, parameters: [...columnValues(next), new Date()] };
  }

  /**
   * `change` for many events: their subjects locked in one read (in IdNr order, so two batches cannot deadlock), each
   * event applied to the result of the one before it of its subject, and every changed row upserted in one write; an
   * event the domain leaves without effect (an older move) stores nothing and is not logged.
   */
  private async changeAll<E extends { idnr: string }>(manager: EntityManager, events: E[], apply: (existing: IdnrBaseData | undefined, event: E) => IdnrBaseData): Promise<BatchChangeOutcome> {
    const idnrs = [...new Set(events.map((event) => event.idnr))].sort();
    const current = new Map(((await manager.query(SELECT_ALL_FOR_UPDATE, [idnrs])) as IdnrBaseData[]).map((data) => [data.idnr, data]));
    const changed = new Set<string>();
    const stored = events.map((event) => {
      const existing = current.get(event.idnr);
      const next = apply(existing, event);
      if (next === existing) return false;
      current.set(event.idnr, next);
      changed.add(event.idnr);
      return true;
    });
    if (changed.size === 0) return { stored };
    const rows = idnrs.flatMap((idnr) => (changed.has(idnr) ? [columnValues(current.get(idnr)!)] : []));
    return { stored, write: { sql: UPSERT_ALL, parameters: [...COLUMN_TYPES.map((_type, column) => rows.map((row) => row[column])), new Date()] } };
  }
}

const SELECTED = `
  select idnr, birth_registration_id as "birthRegistrationId", family_name as "familyName", given_names as "givenNames",
         previous_family_names as "previousFamilyNames", sex, to_char(date_of_birth, 'YYYY-MM-DD') as "dateOfBirth",
         place_of_birth as "placeOfBirth", address, to_char(moved_in_on, 'YYYY-MM-DD') as "movedInOn", status,
         to_char(date_of_death, 'YYYY-MM-DD') as "dateOfDeath"
    from idnr_base_data`;

const SELECT_FOR_UPDATE = `${SELECTED} where idnr = $1 for update`;

const SELECT_ALL_FOR_UPDATE = `${SELECTED} where idnr = any($1::text[]) order by idnr for update`;

const INSERT = `
  insert into idnr_base_data (idnr, birth_registration_id, family_name, given_names, previous_family_names, sex, date_of_birth,
                              place_of_birth, address, moved_in_on, status, date_of_death, updated_at)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`;

const UPDATE = `
  update idnr_base_data
     set birth_registration_id = $2, family_name = $3, given_names = $4, previous_family_names = $5, sex = $6, date_of_birth = $7,
         place_of_birth = $8, address = $9, moved_in_on = $10, status = $11, date_of_death = $12, updated_at = $13
   where idnr = $1`;

const COLUMNS = ['idnr', 'birth_registration_id', 'family_name', 'given_names', 'previous_family_names', 'sex', 'date_of_birth', 'place_of_birth', 'address', 'moved_in_on', 'status', 'date_of_death'];
const COLUMN_TYPES = ['text', 'text', 'text', 'text', 'jsonb', 'text', 'date', 'text', 'jsonb', 'date', 'text', 'date'];

/** Rows given as one array per column (in COLUMNS order), then updated_at; each IdNr at most once. */
const UPSERT_ALL = `
  insert into idnr_base_data (${COLUMNS.join(', ')}, updated_at)
  select *, $${COLUMNS.length + 1}::timestamptz from unnest(${COLUMN_TYPES.map((type, column) => `$${column + 1}::${type}[]`).join(', ')})
  on conflict (authority_key, idnr) do update set ${COLUMNS.slice(1)
    .map((column) => `${column} = excluded.${column}`)
    .join(', ')}, updated_at = excluded.updated_at`;

/** The row's values in COLUMNS order: the parameters of INSERT and UPDATE but updated_at. */
function columnValues(data: IdnrBaseData): unknown[] {
  return [
    data.idnr,
    data.birthRegistrationId,
    data.familyName,
    data.givenNames,
    JSON.stringify(data.previousFamilyNames),
    data.sex,
    data.dateOfBirth,
    data.placeOfBirth,
    JSON.stringify(data.address),
    data.movedInOn,
    data.status,
    data.dateOfDeath,
  ];
}
