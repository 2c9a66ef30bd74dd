import { Controller, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { PersonErased } from '@regsync/contracts/generated/events';
import { RegsyncEventContext } from '@regsync/messaging/register-messaging';
import { AdmittedTransferHandler } from '../admitted-transfer-handler';
import { PersonErasure } from './person-erasure';

/** A register that holds the person learns of the erasure: it deletes their rows and its key of their events. */
@Controller()
export class PersonErasedHandler {
  private readonly logger = new Logger('PersonErasure');

  constructor(
    private readonly erasure: PersonErasure,
    private readonly transfers: AdmittedTransferHandler,
  ) {}

  @EventPattern('PersonErased')
  async onPersonErased(@Payload() event: PersonErased, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, async (manager) => {
      const { deleted, unlisted, keyErased, rekeyed } = await this.erasure.erase(manager, event.envelope.subject.id, { correlationId: event.envelope.correlationId, requestedBy: event.requestedBy });
      this.logger.log(JSON.stringify({ audit: 'person-erased-here', eventId: event.envelope.eventId, correlationId: event.envelope.correlationId, requestedBy: event.requestedBy, reason: event.reason, deleted, unlisted, keyErased, rekeyed }));
      return 'applied';
    });
  }
}
