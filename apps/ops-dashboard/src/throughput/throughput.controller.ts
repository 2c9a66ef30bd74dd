import { Controller, Get } from '@nestjs/common';
import { InstanceMetricsService, InstanceOutbox, InstanceThroughput } from './instance-metrics.service';

@Controller('api')
export class ThroughputController {
  constructor(private readonly metrics: InstanceMetricsService) {}

  @Get('throughput')
  throughput(): Promise<InstanceThroughput[]> {
    return this.metrics.throughput();
  }

  @Get('outbox')
  outbox(): Promise<InstanceOutbox[]> {
    return this.metrics.outbox();
  }
}
