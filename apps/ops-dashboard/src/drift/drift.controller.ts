import { Controller, Get } from '@nestjs/common';
import { DriftService, DriftView } from './drift.service';

@Controller('api/drift')
export class DriftController {
  constructor(private readonly driftService: DriftService) {}

  @Get()
  drift(): Promise<DriftView> {
    return this.driftService.drift();
  }
}
