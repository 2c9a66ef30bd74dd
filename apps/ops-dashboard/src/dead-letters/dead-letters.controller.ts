import { Body, ConflictException, Controller, Get, HttpCode, NotFoundException, Post, UnprocessableEntityException, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { redrive } from '@regsync/messaging/dead-letter-redrive';
import { RedriveAudit } from '../audit/redrive-audit.service';
import { CurrentUser, DashboardSessionGuard, RequiresRole } from '../auth/dashboard-session.guard';
import { DashboardUser, maySeePersonalData } from '../auth/dashboard-user';
import { deadLetterWithoutPersonalData } from '../auth/personal-data';
import { KafkaConnection } from '../kafka/kafka-connection';
import { DeadLetter, REDRIVEN_FROM_HEADER, TopicTailService, recordId } from '../kafka/topic-tail.service';

export interface RedriveRequest {
  topic: string;
  partition: number;
  offset: string;
}

export type DeadLetterView = Omit<DeadLetter, 'record'>;

/** A dead letter as the person may see it: decoded only for the data-viewer role. */
export function deadLetterViewFor(user: DashboardUser, { record: _record, ...view }: DeadLetter): DeadLetterView {
  return maySeePersonalData(user) ? view : deadLetterWithoutPersonalData(view);
}

@Controller('api/dead-letters')
@UseGuards(DashboardSessionGuard)
@ApiUnauthorizedResponse({ description: 'no dashboard session: log in at /auth/login' })
export class DeadLettersController {
  constructor(
    private readonly tail: TopicTailService,
    private readonly connection: KafkaConnection,
    private readonly audit: RedriveAudit,
  ) {}

  /** Every dead letter of the namespace, newest first, decoded where the bytes decode (payload for data-viewer only). */
  @Get()
  list(@CurrentUser() user: DashboardUser): DeadLetterView[] {
    return this.tail
      .deadLetterList()
      .map((deadLetter) => deadLetterViewFor(user, deadLetter))
      .sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  }

  /**
   * Offers the original record to the consumer group that failed it again, on the group's retry topic (libs/messaging
   * `redrive`); the group's inbox keeps this exactly-once, and it reports the outcome, which the dead letter list
   * and the audit show once it arrives.
   */
  @Post('redrive')
  @HttpCode(200)
  @RequiresRole('operator')
  @ApiOperation({ summary: "Re-drives one dead letter (by its topic, partition and offset) onto its consumer group's retry topic; operator role; audited with the person and, once the group reports it, the outcome" })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['topic', 'partition', 'offset'],
      properties: { topic: { type: 'string' }, partition: { type: 'integer', minimum: 0 }, offset: { type: 'string', pattern: '^\\d+$' } },
      example: { topic: 'regsync.municipal-register.03404000.dlq', partition: 0, offset: '17' },
    },
  })
  @ApiForbiddenResponse({ description: 'the person lacks the operator role' })
  @ApiNotFoundResponse({ description: 'no such dead letter' })
  @ApiOkResponse({ description: 're-driven: `to` names the retry topic the record was written to, `partition` and `offset` where; the outcome follows in the dead letter list (`redriveOutcome`) and the audit' })
  @ApiConflictResponse({ description: 'the dead letter was already re-driven' })
  @ApiUnprocessableEntityResponse({ description: 'the dead letter has no source topic or consumer group header' })
  async redrive(@Body() request: RedriveRequest, @CurrentUser() user: DashboardUser): Promise<{ redriven: string; to: string; partition: number; offset: string }> {
    const id = recordId(String(request?.topic), Number(request?.partition), String(request?.offset));
    const deadLetter = this.tail.deadLetter(id);
    if (!deadLetter) throw new NotFoundException(`dead letter ${id}: not found`);
    if (deadLetter.redriven) throw new ConflictException(`dead letter ${id}: already re-driven`);
    if (!deadLetter.sourceTopic || !deadLetter.consumerGroup) throw new UnprocessableEntityException(`dead letter ${id}: no source topic or consumer group header, cannot re-drive`);
    const producer = await this.connection.producerClient();
    const written = await redrive(producer, { ...deadLetter.record, headers: { ...deadLetter.record.headers, [REDRIVEN_FROM_HEADER]: id } });
    this.tail.markRedriven(id);
    await this.audit.record(user, deadLetter, written);
    return { redriven: id, to: written.topic, partition: written.partition, offset: written.offset };
  }
}
