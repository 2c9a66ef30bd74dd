import { BadRequestException, Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentUser, DashboardSessionGuard } from '../auth/dashboard-session.guard';
import { DashboardUser, maySeePersonalData } from '../auth/dashboard-user';
import { tracedEventWithoutPersonalData } from '../auth/personal-data';
import { ConsumerLagService } from '../lag/consumer-lag.service';
import { TopicTailService, TracedEvent } from '../kafka/topic-tail.service';
import { DeadLetterView, deadLetterViewFor } from '../dead-letters/dead-letters.controller';

export interface CorrelationStep extends TracedEvent {
  /** Consumer groups whose committed offset is past this record: they have read it (applied, ignored or dead-lettered). */
  readBy: string[];
}

export interface CorrelationTrace {
  correlationId: string;
  indexedEvents: number;
  steps: CorrelationStep[];
  deadLetters: DeadLetterView[];
}

@Controller('api/correlation')
@UseGuards(DashboardSessionGuard)
@ApiUnauthorizedResponse({ description: 'no dashboard session: log in at /auth/login' })
export class CorrelationController {
  constructor(
    private readonly tail: TopicTailService,
    private readonly lag: ConsumerLagService,
  ) {}

  @Get()
  recent(): ReturnType<TopicTailService['recentCorrelations']> {
    return this.tail.recentCorrelations(15);
  }

  /** One citizen action through every register: its events in time order, who read them, and what failed (subject ids masked without data-viewer). */
  @Get(':correlationId')
  async trace(@Param('correlationId') correlationId: string, @CurrentUser() user: DashboardUser): Promise<CorrelationTrace> {
    if (!/^[\w.:-]{1,100}$/.test(correlationId)) throw new BadRequestException('correlationId: letters, digits, - . : _ only, at most 100');
    const events = this.tail.eventsOf(correlationId);
    const groups = events.length > 0 ? await this.lag.groups() : [];
    const steps = events
      .map((event) => ({
        ...event,
        readBy: groups
          .filter((group) => group.partitions.some((partition) => partition.topic === event.topic && partition.partition === event.partition && (partition.committedOffset ?? -1) > Number(event.offset)))
          .map((group) => group.group),
      }))
      .sort((a, b) => (a.summary?.occurredAt ?? a.timestamp).localeCompare(b.summary?.occurredAt ?? b.timestamp) || a.timestamp.localeCompare(b.timestamp));
    const deadLetters = this.tail.deadLettersOf(correlationId).map((deadLetter) => deadLetterViewFor(user, deadLetter));
    return { correlationId, indexedEvents: this.tail.indexedEvents, steps: maySeePersonalData(user) ? steps : steps.map(tracedEventWithoutPersonalData), deadLetters };
  }
}
