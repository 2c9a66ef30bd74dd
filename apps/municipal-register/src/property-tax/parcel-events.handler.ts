import { Controller } from '@nestjs/common';
import type { ParcelChanged, ParcelLeftMunicipality, ParcelRecorded, ParcelRestated } from '@regsync/contracts/generated/events';
import { EventBatchPattern, RegsyncBatchContext } from '@regsync/messaging/register-messaging';
import { PropertyTaxService } from './property-tax.service';

/** The cadastre's parcel events for parcels in this municipality (no owner declaration needed). */
@Controller()
export class ParcelEventsHandler {
  constructor(private readonly propertyTax: PropertyTaxService) {}

  /** A recorded, changed or restated (drift repair) parcel is taken over; one that left the municipality is dropped. */
  @EventBatchPattern('ParcelRecorded', 'ParcelChanged', 'ParcelRestated', 'ParcelLeftMunicipality')
  async onParcelEvents(events: (ParcelRecorded | ParcelChanged | ParcelRestated | ParcelLeftMunicipality)[], context: RegsyncBatchContext): Promise<void> {
    await this.propertyTax.applyParcelEvents(events, context);
  }
}
