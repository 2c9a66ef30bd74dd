import { BadRequestException, Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentUser, DashboardSessionGuard } from '../auth/dashboard-session.guard';
import { DashboardUser, maySeePersonalData } from '../auth/dashboard-user';
import { eventPathWithoutPersonalData } from '../auth/personal-data';
import { KafkaConnection } from '../kafka/kafka-connection';
import { TopicTailService, recordId } from '../kafka/topic-tail.service';
import { ConsumerLagService } from '../lag/consumer-lag.service';
import { EventPath, eventPathsOf } from './event-path';

export interface PathsView {
  /** The correlation id or event id asked for. */
  id: string;
  indexedEvents: number;
  paths: EventPath[];
}

@Controller('api/paths')
@UseGuards(DashboardSessionGuard)
@ApiUnauthorizedResponse({ description: 'no dashboard session: log in at /auth/login' })
export class PathsController {
  constructor(
    private readonly tail: TopicTailService,
    private readonly lag: ConsumerLagService,
    private readonly connection: KafkaConnection,
  ) {}

  /** Where did it go: for a correlation id (every event of the action) or one event id, the router's deliveries and each one's state. */
  @Get(':id')
  @ApiOperation({ summary: 'Where the events of a correlation id, or one event id, went: recipients chosen by the router with route fields and legal basis, each delivery delivered, applied or dead-lettered (subject ids masked without data-viewer)' })
  @ApiOkResponse({ description: 'one path per event, in the order the events occurred; empty when nothing with this id is indexed' })
  async paths(@Param('id') id: string, @CurrentUser() user: DashboardUser): Promise<PathsView> {
    if (!/^[\w.:-]{1,100}$/.test(id)) throw new BadRequestException('id: a correlation id or event id; letters, digits, - . : _ only, at most 100');
    const records = new Map([...this.tail.eventsOf(id), ...this.tail.recordsOfEvent(id)].map((record) => [recordId(record.topic, record.partition, record.offset), record]));
    const paths =
      records.size === 0
        ? []
        : eventPathsOf({ records: [...records.values()], deadLetters: this.tail.deadLetterList(), groups: await this.lag.groups(), namespace: this.connection.namespace });
    return { id, indexedEvents: this.tail.indexedEvents, paths: maySeePersonalData(user) ? paths : paths.map(eventPathWithoutPersonalData) };
  }
}
