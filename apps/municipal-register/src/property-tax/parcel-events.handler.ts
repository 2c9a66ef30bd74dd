import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ParcelChanged, ParcelLeftMunicipality, ParcelRecorded, ParcelRestated } from '@regsync/contracts/generated/events';
import { AdmittedTransferHandler } from '@regsync/data-protection/admitted-transfer-handler';
import { RegsyncEventContext } from '@regsync/messaging/regsync-event-context';
import { PropertyTaxService } from './property-tax.service';

/** The cadastre's parcel events for parcels in this municipality (no owner declaration needed). */
@Controller()
export class ParcelEventsHandler {
  constructor(
    private readonly propertyTax: PropertyTaxService,
    private readonly transfers: AdmittedTransferHandler,
  ) {}

  @EventPattern('ParcelRecorded')
  async onParcelRecorded(@Payload() event: ParcelRecorded, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.propertyTax.applyParcel(manager, event));
  }

  @EventPattern('ParcelChanged')
  async onParcelChanged(@Payload() event: ParcelChanged, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.propertyTax.applyParcel(manager, event));
  }

  /** A drift repair: the cadastre's current facts of the parcel, taken over like a change. */
  @EventPattern('ParcelRestated')
  async onParcelRestated(@Payload() event: ParcelRestated, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.propertyTax.applyParcel(manager, event));
  }

  @EventPattern('ParcelLeftMunicipality')
  async onParcelLeftMunicipality(@Payload() event: ParcelLeftMunicipality, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.propertyTax.dropParcel(manager, event));
  }
}
