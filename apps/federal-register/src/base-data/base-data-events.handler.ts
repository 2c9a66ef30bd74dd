import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { InformationBlockLifted, InformationBlockSet } from '@regsync/contracts/generated/events';
import { AdmittedTransferHandler } from '@regsync/data-protection/admitted-transfer-handler';
import { EventBatchPattern } from '@regsync/messaging/event-batch-pattern';
import { RegsyncBatchContext } from '@regsync/messaging/regsync-batch-context';
import { RegsyncEventContext } from '@regsync/messaging/regsync-event-context';
import { BaseDataService, type BaseDataEvent } from './base-data.service';

/** Address, names and death from the municipalities, cut to the base data by the routing catalog. */
@Controller()
export class BaseDataEventsHandler {
  constructor(
    private readonly baseData: BaseDataService,
    private readonly transfers: AdmittedTransferHandler,
  ) {}

  /** Registrations, name changes, deaths and their restatements (drift repair), in log order, in one call per run. */
  @EventBatchPattern('ResidenceRegistered', 'ResidenceRestated', 'NameChanged', 'NamesRestated', 'DeathRecorded')
  async onBaseDataEvents(events: BaseDataEvent[], context: RegsyncBatchContext): Promise<void> {
    await this.baseData.applyEvents(events, context);
  }

  @EventPattern('InformationBlockSet')
  async onInformationBlockSet(@Payload() event: InformationBlockSet, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.baseData.applyInformationBlockSet(manager, event));
  }

  @EventPattern('InformationBlockLifted')
  async onInformationBlockLifted(@Payload() event: InformationBlockLifted, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.baseData.applyInformationBlockLifted(manager, event));
  }
}
