import { Controller } from '@nestjs/common';
import type { InformationBlockLifted, InformationBlockSet, MovedOut } from '@regsync/contracts/generated/events';
import { EventBatchPattern, RegsyncBatchContext } from '@regsync/messaging/register-messaging';
import { StateResidentsService, type StateResidentEvent } from './state-residents.service';

/** The municipalities' events concerning residents of this Land. */
@Controller()
export class StateResidentEventsHandler {
  constructor(private readonly residents: StateResidentsService) {}

  /** Registrations, name changes, deaths and their restatements (drift repair), in log order, in one call per run. */
  @EventBatchPattern('ResidenceRegistered', 'ResidenceRestated', 'NameChanged', 'NamesRestated', 'DeathRecorded')
  async onResidentEvents(events: StateResidentEvent[], context: RegsyncBatchContext): Promise<void> {
    await this.residents.applyEvents(events, context);
  }

  /** The Rückmeldung's answers: in a run of their own, as each first ends a wait a registration before it may have started. */
  @EventBatchPattern('MovedOut')
  async onMovesOut(events: MovedOut[], context: RegsyncBatchContext): Promise<void> {
    await this.residents.applyMovesOut(events, context);
  }

  @EventBatchPattern('InformationBlockSet', 'InformationBlockLifted')
  async onInformationBlocks(events: (InformationBlockSet | InformationBlockLifted)[], context: RegsyncBatchContext): Promise<void> {
    await this.residents.applyInformationBlocks(events, context);
  }
}
