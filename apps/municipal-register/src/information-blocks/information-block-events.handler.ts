import { Controller } from '@nestjs/common';
import type { InformationBlockLifted, InformationBlockSet, MovedOut } from '@regsync/contracts/generated/events';
import { EventBatchPattern, RegsyncBatchContext } from '@regsync/messaging/register-messaging';
import { InformationBlocksService } from './information-blocks.service';

/**
 * Blocks set or lifted by another Meldebehörde for a person this Melderegister holds (after a move: the new one), and
 * the previous residence's answer to the Rückmeldung, which ends the wait for them.
 */
@Controller()
export class InformationBlockEventsHandler {
  constructor(private readonly blocks: InformationBlocksService) {}

  @EventBatchPattern('InformationBlockSet', 'InformationBlockLifted')
  async onInformationBlocks(events: (InformationBlockSet | InformationBlockLifted)[], context: RegsyncBatchContext): Promise<void> {
    await this.blocks.applyReceived(events, context);
  }

  @EventBatchPattern('MovedOut')
  async onMovesOut(events: MovedOut[], context: RegsyncBatchContext): Promise<void> {
    await this.blocks.applyRueckmeldungAnswers(events, context);
  }
}
