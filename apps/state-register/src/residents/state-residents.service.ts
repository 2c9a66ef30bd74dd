import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { DeathRecorded, MovedOut, NameChanged, ResidenceRegistered } from '@regsync/contracts/generated/events';
import type { ChangeOutcome } from '@regsync/data-protection/admitted-transfer-handler';
import { MESSAGING_OPTIONS, type MessagingOptions } from '@regsync/messaging/messaging-options';
import { assertIdnr } from '@regsync/register-domain/idnr';
import {
  applyMovedOutToStateResident,
  applyResidenceToStateResident,
  changeStateResidentName,
  recordStateResidentDeath,
  type StateResident,
} from '@regsync/register-domain/registers/state-residents';
import { StateResidentEntity } from './state-resident.entity';

/** The Landesmelderegister: a replica kept current by the municipalities' events only. */
@Injectable()
export class StateResidentsService {
  private readonly land: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(MESSAGING_OPTIONS) options: MessagingOptions,
  ) {
    this.land = options.instanceKey;
  }

  async applyResidence(manager: EntityManager, residence: ResidenceRegistered): Promise<ChangeOutcome> {
    return this.change(manager, residence.idnr, (existing) => applyResidenceToStateResident(existing, residence, this.land));
  }

  async applyMovedOut(manager: EntityManager, movedOut: MovedOut): Promise<ChangeOutcome> {
    return this.change(manager, movedOut.idnr, (existing) => applyMovedOutToStateResident(existing, movedOut, this.land));
  }

  async applyNameChange(manager: EntityManager, change: NameChanged): Promise<ChangeOutcome> {
    return this.change(manager, change.idnr, (existing) => changeStateResidentName(existing, change));
  }

  async applyDeath(manager: EntityManager, death: DeathRecorded): Promise<ChangeOutcome> {
    return this.change(manager, death.idnr, (existing) => recordStateResidentDeath(existing, death));
  }

  async get(idnr: string): Promise<StateResidentEntity> {
    assertIdnr(idnr);
    const resident = await this.dataSource.getRepository(StateResidentEntity).findOne({ where: { idnr } });
    if (!resident) throw new NotFoundException(`${idnr} is not in the Landesmelderegister ${this.land}`);
    return resident;
  }

  async list(): Promise<StateResidentEntity[]> {
    return this.dataSource.getRepository(StateResidentEntity).find({ order: { idnr: 'ASC' } });
  }

  private async change(manager: EntityManager, idnr: string, apply: (existing: StateResident | undefined) => StateResident | undefined): Promise<ChangeOutcome> {
    const existing = await manager.findOne(StateResidentEntity, { where: { idnr }, lock: { mode: 'pessimistic_write' } });
    const next = apply(existing ?? undefined);
    if (!next || next === existing) return 'nothing-to-apply';
    await manager.save(StateResidentEntity, { ...next, updatedAt: new Date() });
    return 'applied';
  }
}
