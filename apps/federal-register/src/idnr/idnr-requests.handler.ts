import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { IdNrRequested } from '@regsync/contracts/generated/events';
import { AdmittedTransferHandler, TransferLog } from '@regsync/data-protection/transfers';
import { RegsyncEventContext } from '@regsync/messaging/register-messaging';
import { IdnrAssignmentService } from './idnr-assignment.service';

/** XMeld 0500 as an event: a Meldebehörde asks for a newborn's IdNr. */
@Controller()
export class IdnrRequestsHandler {
  constructor(
    private readonly assignment: IdnrAssignmentService,
    private readonly transfers: AdmittedTransferHandler,
    private readonly transferLog: TransferLog,
  ) {}

  @EventPattern('IdNrRequested')
  async onIdNrRequested(@Payload() event: IdNrRequested, @Ctx() context: RegsyncEventContext): Promise<void> {
    let idnr = '';
    await this.transfers.apply(event, context, async (manager) => {
      idnr = await this.assignment.assign(manager, event);
      return 'applied';
    });
    // The request was logged under the birth registration id; it concerns the person who now has this IdNr.
    await this.transferLog.linkIdnr(context.manager, event.birthRegistrationId, idnr);
  }
}
