import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { DeathRecorded, NameChanged, ResidenceRegistered } from '@regsync/contracts/generated/events';
import type { ChangeOutcome } from '@regsync/data-protection/admitted-transfer-handler';
import { assertIdnr } from '@regsync/register-domain/idnr';
import { applyResidenceToBaseData, changeBaseDataName, recordBaseDataDeath, type IdnrBaseData } from '@regsync/register-domain/registers/idnr-base-data';
import { IdnrBaseDataEntity } from './idnr-base-data.entity';

/** Keeps the IdNr base data current from the municipalities' events (§ 139b Abs. 8 AO). */
@Injectable()
export class BaseDataService {
  constructor(private readonly dataSource: DataSource) {}

  async applyResidence(manager: EntityManager, residence: ResidenceRegistered): Promise<ChangeOutcome> {
    return this.change(manager, residence.idnr, (existing) => applyResidenceToBaseData(existing, residence));
  }

  async applyNameChange(manager: EntityManager, change: NameChanged): Promise<ChangeOutcome> {
    return this.change(manager, change.idnr, (existing) => changeBaseDataName(existing, change));
  }

  async applyDeath(manager: EntityManager, death: DeathRecorded): Promise<ChangeOutcome> {
    return this.change(manager, death.idnr, (existing) => recordBaseDataDeath(existing, death));
  }

  async get(idnr: string): Promise<IdnrBaseDataEntity> {
    assertIdnr(idnr);
    const data = await this.dataSource.getRepository(IdnrBaseDataEntity).findOne({ where: { idnr } });
    if (!data) throw new NotFoundException(`no base data for IdNr ${idnr}`);
    return data;
  }

  private async change(manager: EntityManager, idnr: string, apply: (existing: IdnrBaseData | undefined) => IdnrBaseData): Promise<ChangeOutcome> {
    const existing = await manager.findOne(IdnrBaseDataEntity, { where: { idnr }, lock: { mode: 'pessimistic_write' } });
    await manager.save(IdnrBaseDataEntity, { ...apply(existing ?? undefined), updatedAt: new Date() });
    return 'applied';
  }
}
