import { Controller, Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApplyMeter } from './apply-meter';
import { applyMove, MoveFields } from './apply-move';

interface JsonMove extends MoveFields {
  envelope: { occurredAt: string };
}

/**
 * The naive baseline's handler, written the way the NestJS docs suggest: one @EventPattern per topic, one event per
 * call, one database transaction per event. A class per run because the pattern is the (namespaced) topic name.
 */
export function naiveMoveController(topic: string, meter: ApplyMeter): Type<unknown> {
  @Controller()
  class NaiveMoveController {
    constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

    @EventPattern(topic)
    async onResidenceRegistered(@Payload() event: JsonMove): Promise<void> {
      await this.dataSource.transaction((manager) => applyMove(manager, event));
      meter.record(Date.parse(event.envelope.occurredAt));
    }
  }
  return NaiveMoveController;
}
