import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { DeathRecorded, InformationBlockLifted, InformationBlockSet, NameChanged, NamesRestated, ResidenceRegistered, ResidenceRestated } from '@regsync/contracts/generated/events';
import { AdmittedTransferHandler } from '@regsync/data-protection/admitted-transfer-handler';
import { EventBatchPattern } from '@regsync/messaging/event-batch-pattern';
import { RegsyncBatchContext } from '@regsync/messaging/regsync-batch-context';
import { RegsyncEventContext } from '@regsync/messaging/regsync-event-context';
import { BaseDataService } from './base-data.service';

/** Address, names and death from the municipalities, cut to the base data by the routing catalog. */
@Controller()
export class BaseDataEventsHandler {
  constructor(
    private readonly baseData: BaseDataService,
    private readonly transfers: AdmittedTransferHandler,
  ) {}

  // The fast path for the most frequent event; the handler below applies one event at a time when a batch fails.
  @EventBatchPattern('ResidenceRegistered')
  async onResidencesRegistered(events: ResidenceRegistered[], context: RegsyncBatchContext): Promise<void> {
    await this.transfers.applyAll(events, context, (manager) => this.baseData.applyResidences(manager, events));
  }

  @EventPattern('ResidenceRegistered')
  async onResidenceRegistered(@Payload() event: ResidenceRegistered, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.baseData.applyResidence(manager, event));
  }

  @EventPattern('NameChanged')
  async onNameChanged(@Payload() event: NameChanged, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.baseData.applyNameChange(manager, event));
  }

  @EventPattern('ResidenceRestated')
  async onResidenceRestated(@Payload() event: ResidenceRestated, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.baseData.applyResidence(manager, event));
  }

  @EventPattern('NamesRestated')
  async onNamesRestated(@Payload() event: NamesRestated, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.baseData.applyNamesRestated(manager, event));
  }

  @EventPattern('InformationBlockSet')
  async onInformationBlockSet(@Payload() event: InformationBlockSet, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.baseData.applyInformationBlockSet(manager, event));
  }

  @EventPattern('InformationBlockLifted')
  async onInformationBlockLifted(@Payload() event: InformationBlockLifted, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.baseData.applyInformationBlockLifted(manager, event));
  }

  @EventPattern('DeathRecorded')
  async onDeathRecorded(@Payload() event: DeathRecorded, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.baseData.applyDeath(manager, event));
  }
}
