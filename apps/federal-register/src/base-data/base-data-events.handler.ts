import { Controller } from '@nestjs/common';
import type { InformationBlockLifted, InformationBlockSet } from '@regsync/contracts/generated/events';
import { EventBatchPattern, RegsyncBatchContext } from '@regsync/messaging/register-messaging';
import { BaseDataService, type BaseDataEvent } from './base-data.service';

/** Address, names and death from the municipalities, cut to the base data by the routing catalog. */
@Controller()
export class BaseDataEventsHandler {
  constructor(private readonly baseData: BaseDataService) {}

  /** Registrations, name changes, deaths and their restatements (drift repair), in log order, in one call per run. */
  @EventBatchPattern('ResidenceRegistered', 'ResidenceRestated', 'NameChanged', 'NamesRestated', 'DeathRecorded')
  async onBaseDataEvents(events: BaseDataEvent[], context: RegsyncBatchContext): Promise<void> {
    await this.baseData.applyEvents(events, context);
  }

  @EventBatchPattern('InformationBlockSet', 'InformationBlockLifted')
  async onInformationBlocks(events: (InformationBlockSet | InformationBlockLifted)[], context: RegsyncBatchContext): Promise<void> {
    await this.baseData.applyInformationBlocks(events, context);
  }
}
