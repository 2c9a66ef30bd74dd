import { Body, ConflictException, Controller, Get, HttpCode, NotFoundException, Post, UnprocessableEntityException } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { redrive } from '@regsync/messaging/dead-letters';
import { KafkaConnection } from '../kafka/kafka-connection';
import { DeadLetter, REDRIVEN_FROM_HEADER, TopicTailService, recordId } from '../kafka/topic-tail.service';

export interface RedriveRequest {
  topic: string;
  partition: number;
  offset: string;
}

export type DeadLetterView = Omit<DeadLetter, 'record'>;

@Controller('api/dead-letters')
export class DeadLettersController {
  constructor(
    private readonly tail: TopicTailService,
    private readonly connection: KafkaConnection,
  ) {}

  /** Every dead letter of the namespace, newest first, decoded where the bytes decode. */
  @Get()
  list(): DeadLetterView[] {
    return this.tail
      .deadLetterList()
      .map(({ record: _record, ...view }) => view)
      .sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  }

  /** Puts the original record back on its source topic; the consumer's inbox keeps this exactly-once. */
  @Post('redrive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-drives one dead letter (by its topic, partition and offset) to its source topic' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['topic', 'partition', 'offset'],
      properties: { topic: { type: 'string' }, partition: { type: 'integer', minimum: 0 }, offset: { type: 'string', pattern: '^\\d+$' } },
      example: { topic: 'regsync.municipal-register.03404000.dlq', partition: 0, offset: '17' },
    },
  })
  @ApiNotFoundResponse({ description: 'no such dead letter' })
  @ApiOkResponse({ description: 're-driven: the record is back on its source topic' })
  @ApiConflictResponse({ description: 'the dead letter was already re-driven' })
  @ApiUnprocessableEntityResponse({ description: 'the dead letter has no source topic header' })
  async redrive(@Body() request: RedriveRequest): Promise<{ redriven: string; to: string }> {
    const id = recordId(String(request?.topic), Number(request?.partition), String(request?.offset));
    const deadLetter = this.tail.deadLetter(id);
    if (!deadLetter) throw new NotFoundException(`dead letter ${id}: not found`);
    if (deadLetter.redriven) throw new ConflictException(`dead letter ${id}: already re-driven`);
    if (!deadLetter.sourceTopic) throw new UnprocessableEntityException(`dead letter ${id}: no source topic header, cannot re-drive`);
    const producer = await this.connection.producerClient();
    await redrive(producer, { ...deadLetter.record, headers: { ...deadLetter.record.headers, [REDRIVEN_FROM_HEADER]: id } });
    this.tail.markRedriven(id);
    return { redriven: id, to: deadLetter.sourceTopic };
  }
}
