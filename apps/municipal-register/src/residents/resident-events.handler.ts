import { Controller } from '@nestjs/common';
import type { BirthRecorded, IdNrAssigned, ResidenceRegistered } from '@regsync/contracts/generated/events';
import { EventBatchPattern, RegsyncBatchContext } from '@regsync/messaging/register-messaging';
import { ResidentsService, type ResidentChange } from './residents.service';

/**
 * What the Melderegister takes over from other registers (relevance and routing decided in admit), each kind in one
 * call per run of a chunk; the applier calls a handler with one event when it isolates a failure.
 */
@Controller()
export class ResidentEventsHandler {
  constructor(private readonly residents: ResidentsService) {}

  @EventBatchPattern('BirthRecorded')
  async onBirthsRecorded(events: BirthRecorded[], context: RegsyncBatchContext): Promise<void> {
    await this.residents.applyBirths(events, context);
  }

  @EventBatchPattern('IdNrAssigned')
  async onIdnrsAssigned(events: IdNrAssigned[], context: RegsyncBatchContext): Promise<void> {
    await this.residents.applyIdnrAssignments(events, context);
  }

  /** Registrations elsewhere of persons who lived here: the Rückmeldung. */
  @EventBatchPattern('ResidenceRegistered')
  async onRegistrationsElsewhere(events: ResidenceRegistered[], context: RegsyncBatchContext): Promise<void> {
    await this.residents.applyRegistrationsElsewhere(events, context);
  }

  @EventBatchPattern('NameChanged', 'NamesRestated', 'DeathRecorded')
  async onResidentChanges(events: ResidentChange[], context: RegsyncBatchContext): Promise<void> {
    await this.residents.applyChanges(events, context);
  }
}
