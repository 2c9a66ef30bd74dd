import { Controller, Get } from '@nestjs/common';
import { InstanceHealth, InstanceHealthService } from './instance-health.service';

@Controller('api/instances')
export class InstancesController {
  constructor(private readonly health: InstanceHealthService) {}

  @Get()
  instances(): Promise<InstanceHealth[]> {
    return this.health.all();
  }
}
