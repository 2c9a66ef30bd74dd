import { Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { DeathRecorded, InformationBlockLifted, InformationBlockSet, MovedOut, NameChanged, NamesRestated, ResidenceRegistered, ResidenceRestated } from '@regsync/contracts/generated/events';
import { applyReceivedBlock, changeInformationBlocks, endRueckmeldungWait } from '@regsync/data-protection/information-blocks/information-block-store';
import { applyBlockLift, applyBlockSet, awaitRueckmeldung, rueckmeldungSuperseded, rueckmeldungToAwait, type InformationBlockState } from '@regsync/register-domain/registers/information-block';
import type { BatchChangeOutcome, ChangeOutcome } from '@regsync/data-protection/admitted-transfer-handler';
import { currentAuthority } from '@regsync/persistence/authority-context';
import { assertIdnr } from '@regsync/register-domain/idnr';
import {
  applyMovedOutToStateResident,
  applyResidenceToStateResident,
  changeStateResidentName,
  recordStateResidentDeath,
  type StateResident,
} from '@regsync/register-domain/registers/state-residents';
import { restateNames } from '@regsync/register-domain/registers/restated-names';
import { StateResidentEntity } from './state-resident.entity';
import { AuthorityDatabase } from '@regsync/persistence/authority-database';

type BlockChange = { idnr: string; change: (existing: InformationBlockState | undefined) => InformationBlockState | undefined };

/** The Landesmelderegister: a replica kept current by the municipalities' events only. */
@Injectable()
export class StateResidentsService {
  constructor(
    private readonly database: AuthorityDatabase,
  ) {}

  /** The hosted authority this request or event acts for. */
  private get land(): string {
    return currentAuthority();
  }

  async applyResidence(manager: EntityManager, residence: ResidenceRegistered): Promise<ChangeOutcome> {
    let registered: StateResident | undefined;
    const outcome = await this.change(manager, residence.idnr, (existing) => (registered = applyResidenceToStateResident(existing, residence, this.land)));
    if (outcome !== 'nothing-to-apply') await changeInformationBlocks(manager, this.followRueckmeldung(residence, registered));
    return outcome;
  }

  /** `applyResidence` for a batch, in order: one locking read and one write for all of them. */
  async applyResidences(manager: EntityManager, residences: ResidenceRegistered[]): Promise<BatchChangeOutcome> {
    const registered: (StateResident | undefined)[] = [];
    const outcome = await this.changeAll(manager, residences, (existing, residence) => {
      const next = applyResidenceToStateResident(existing, residence, this.land);
      registered.push(next);
      return next;
    });
    // The Rückmeldung waits of the whole batch in one read and one write of the blocks.
    await changeInformationBlocks(manager, residences.flatMap((residence, index) => (outcome.stored[index] ? this.followRueckmeldung(residence, registered[index]) : [])));
    return outcome;
  }

  /**
   * A move into the Land from another Land: the mirror withholds the address until the previous Meldebehörde has
   * answered the Rückmeldung (its MovedOut follows any block it passes on). A move out of the Land ends any wait; a
   * registration older than a move away already held (late) starts none.
   */
  private followRueckmeldung(residence: ResidenceRegistered, registered: StateResident | undefined): BlockChange[] {
    const { idnr } = residence;
    if (registered?.status !== 'RESIDENT') return [{ idnr, change: rueckmeldungSuperseded }];
    const awaited = rueckmeldungToAwait(residence.previousAddress?.municipalityKey, { land: this.land });
    return awaited ? [{ idnr, change: (existing) => awaitRueckmeldung(existing, awaited) }] : [];
  }

  /**
   * A drift repair: the Melderegister's current registration, applied like a registration of its move-in date (so a
   * newer move held wins), but no Anmeldung: no previous address, no Rückmeldung to await.
   */
  async applyResidenceRestated(manager: EntityManager, residence: ResidenceRestated): Promise<ChangeOutcome> {
    return this.change(manager, residence.idnr, (existing) => applyResidenceToStateResident(existing, { ...residence, previousAddress: null }, this.land));
  }

  async applyNamesRestated(manager: EntityManager, names: NamesRestated): Promise<ChangeOutcome> {
    return this.change(manager, names.idnr, (existing) => restateNames(existing, names));
  }

  async applyMovedOut(manager: EntityManager, movedOut: MovedOut): Promise<ChangeOutcome> {
    const answered = await endRueckmeldungWait(manager, movedOut.idnr, movedOut.fromMunicipalityKey);
    const outcome = await this.change(manager, movedOut.idnr, (existing) => applyMovedOutToStateResident(existing, movedOut, this.land));
    return outcome === 'nothing-to-apply' && answered ? 'applied' : outcome;
  }

  async applyNameChange(manager: EntityManager, change: NameChanged): Promise<ChangeOutcome> {
    return this.change(manager, change.idnr, (existing) => changeStateResidentName(existing, change));
  }

  async applyDeath(manager: EntityManager, death: DeathRecorded): Promise<ChangeOutcome> {
    return this.change(manager, death.idnr, (existing) => recordStateResidentDeath(existing, death));
  }

  /** A block from a Meldebehörde: kept where the mirror holds the person (resident or moved away), like a death. */
  async applyInformationBlockSet(manager: EntityManager, set: InformationBlockSet): Promise<ChangeOutcome> {
    return applyReceivedBlock(manager, await this.holds(manager, set.idnr), set, applyBlockSet);
  }

  async applyInformationBlockLifted(manager: EntityManager, lift: InformationBlockLifted): Promise<ChangeOutcome> {
    return applyReceivedBlock(manager, await this.holds(manager, lift.idnr), lift, applyBlockLift);
  }

  private async holds(manager: EntityManager, idnr: string): Promise<boolean> {
    return ((await manager.query('select 1 from state_residents where idnr = $1', [idnr])) as unknown[]).length > 0;
  }

  async get(idnr: string): Promise<StateResidentEntity> {
    assertIdnr(idnr);
    const resident = await this.database.transaction((manager) => manager.getRepository(StateResidentEntity).findOne({ where: { idnr } }));
    if (!resident) throw new NotFoundException(`${idnr} is not in the Landesmelderegister ${this.land}`);
    return resident;
  }

  async list(): Promise<StateResidentEntity[]> {
    return this.database.transaction((manager) => manager.getRepository(StateResidentEntity).find({ order: { idnr: 'ASC' } }));
  }

  /**
   * One locking read here and one plain write, which the transfer handler sends with the transfer log rows
   * (`save` would select the row a second time).
   */
  private async change(manager: EntityManager, idnr: string, apply: (existing: StateResident | undefined) => StateResident | undefined): Promise<ChangeOutcome> {
    const [existing] = (await manager.query(SELECT_FOR_UPDATE, [idnr])) as StateResident[];
    const next = apply(existing);
    if (!next || next === existing) return 'nothing-to-apply';
    return { sql: existing ? UPDATE : INSERT, parameters: [...columnValues(next), new Date()] };
  }

  /**
   * `change` for many events: their subjects locked in one read (in IdNr order, so two batches cannot deadlock), each
   * event applied to the result of the one before it of its subject, and every changed row upserted in one write.
   */
  private async changeAll<E extends { idnr: string }>(
    manager: EntityManager,
    events: E[],
    apply: (existing: StateResident | undefined, event: E) => StateResident | undefined,
  ): Promise<BatchChangeOutcome> {
    const idnrs = [...new Set(events.map((event) => event.idnr))].sort();
    const current = new Map(((await manager.query(SELECT_ALL_FOR_UPDATE, [idnrs])) as StateResident[]).map((resident) => [resident.idnr, resident]));
    const changed = new Map<string, StateResident>();
    const stored = events.map((event) => {
      const existing = current.get(event.idnr);
      const next = apply(existing, event);
      if (!next || next === existing) return false;
      current.set(event.idnr, next);
      changed.set(event.idnr, next);
      return true;
    });
    if (changed.size === 0) return { stored };
    const rows = idnrs.flatMap((idnr) => (changed.has(idnr) ? [columnValues(changed.get(idnr)!)] : []));
    return { stored, write: { sql: UPSERT_ALL, parameters: [...COLUMN_TYPES.map((_type, column) => rows.map((row) => row[column])), new Date()] } };
  }
}

const SELECTED = `
  select idnr, family_name as "familyName", given_names as "givenNames", sex,
         to_char(date_of_birth, 'YYYY-MM-DD') as "dateOfBirth", address, dwelling_status as "dwellingStatus", to_char(moved_in_on, 'YYYY-MM-DD') as "movedInOn",
         status, moved_away_to as "movedAwayTo", to_char(moved_away_on, 'YYYY-MM-DD') as "movedAwayOn",
         marital_status as "maritalStatus", to_char(date_of_death, 'YYYY-MM-DD') as "dateOfDeath"
    from state_residents`;

const SELECT_FOR_UPDATE = `${SELECTED} where idnr = $1 for update`;

const SELECT_ALL_FOR_UPDATE = `${SELECTED} where idnr = any($1::text[]) order by idnr for update`;

const INSERT = `
  insert into state_residents (idnr, family_name, given_names, sex, date_of_birth, address, dwelling_status, moved_in_on, status,
                               moved_away_to, moved_away_on, marital_status, date_of_death, updated_at)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;

const UPDATE = `
  update state_residents
     set family_name = $2, given_names = $3, sex = $4, date_of_birth = $5, address = $6, dwelling_status = $7, moved_in_on = $8,
         status = $9, moved_away_to = $10, moved_away_on = $11, marital_status = $12, date_of_death = $13, updated_at = $14
   where idnr = $1`;

const COLUMNS = ['idnr', 'family_name', 'given_names', 'sex', 'date_of_birth', 'address', 'dwelling_status', 'moved_in_on', 'status', 'moved_away_to', 'moved_away_on', 'marital_status', 'date_of_death'];
const COLUMN_TYPES = ['text', 'text', 'text', 'text', 'date', 'jsonb', 'text', 'date', 'text', 'text', 'date', 'text', 'date'];

/** Rows given as one array per column (in COLUMNS order), then updated_at; each IdNr at most once. */
const UPSERT_ALL = `
  insert into state_residents (${COLUMNS.join(', ')}, updated_at)
  select *, $${COLUMNS.length + 1}::timestamptz from unnest(${COLUMN_TYPES.map((type, column) => `$${column + 1}::${type}[]`).join(', ')})
  on conflict (authority_key, idnr) do update set ${COLUMNS.slice(1)
    .map((column) => `${column} = excluded.${column}`)
    .join(', ')}, updated_at = excluded.updated_at`;

/** The row's values in COLUMNS order: the parameters of INSERT and UPDATE but updated_at. */
function columnValues(resident: StateResident): unknown[] {
  return [
    resident.idnr,
    resident.familyName,
    resident.givenNames,
    resident.sex,
    resident.dateOfBirth,
    JSON.stringify(resident.address),
    resident.dwellingStatus,
    resident.movedInOn,
    resident.status,
    resident.movedAwayTo,
    resident.movedAwayOn,
    resident.maritalStatus,
    resident.dateOfDeath,
  ];
}
