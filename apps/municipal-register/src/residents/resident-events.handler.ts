import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { BirthRecorded, DeathRecorded, IdNrAssigned, NameChanged, NamesRestated, ResidenceRegistered } from '@regsync/contracts/generated/events';
import { AdmittedTransferHandler } from '@regsync/data-protection/admitted-transfer-handler';
import { RegsyncEventContext } from '@regsync/messaging/regsync-event-context';
import { ResidentsService } from './residents.service';

/** What the Melderegister takes over from other registers (relevance and routing decided in admit). */
@Controller()
export class ResidentEventsHandler {
  constructor(
    private readonly residents: ResidentsService,
    private readonly transfers: AdmittedTransferHandler,
  ) {}

  @EventPattern('BirthRecorded')
  async onBirthRecorded(@Payload() event: BirthRecorded, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.residents.applyBirth(manager, event));
  }

  @EventPattern('IdNrAssigned')
  async onIdNrAssigned(@Payload() event: IdNrAssigned, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.residents.applyIdnrAssigned(manager, event));
  }

  @EventPattern('ResidenceRegistered')
  async onResidenceRegistered(@Payload() event: ResidenceRegistered, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.residents.applyRegistrationElsewhere(manager, event));
  }

  @EventPattern('NameChanged')
  async onNameChanged(@Payload() event: NameChanged, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.residents.applyNameChange(manager, event));
  }

  @EventPattern('NamesRestated')
  async onNamesRestated(@Payload() event: NamesRestated, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.residents.applyNamesRestated(manager, event));
  }

  @EventPattern('DeathRecorded')
  async onDeathRecorded(@Payload() event: DeathRecorded, @Ctx() context: RegsyncEventContext): Promise<void> {
    await this.transfers.apply(event, context, (manager) => this.residents.applyDeath(manager, event));
  }
}
