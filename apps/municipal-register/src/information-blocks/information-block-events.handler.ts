import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { InformationBlockLifted, InformationBlockSet, MovedOut } from '@regsync/contracts/generated/events';
import { AdmittedTransferHandler } from '@regsync/data-protection/admitted-transfer-handler';
import { RegsyncEventContext } from '@regsync/messaging/regsync-event-context';
import { InformationBlocksService } from './information-blocks.service';

/**
 * Blocks set or lifted by another Meldebehörde for a person this Melderegister holds (after a move: the new one), and
 * the previous residence's answer to the Rückmeldung, which ends the wait for them.
 */
@Controller()
export class InformationBlockEventsHandler {
  constructor(
    private readonly blocks: InformationBlocksService,
    private readonly transfers: AdmittedTransferHandler,
  ) {}

  @EventPattern('InformationBlockSet')
  async onInformationBlockSet(@Payload() event: InformationBlockSet, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.blocks.applySet(manager, event));
  }

  @EventPattern('MovedOut')
  async onMovedOut(@Payload() event: MovedOut, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.blocks.applyRueckmeldungAnswer(manager, event));
  }

  @EventPattern('InformationBlockLifted')
  async onInformationBlockLifted(@Payload() event: InformationBlockLifted, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.blocks.applyLift(manager, event));
  }
}
