import { Module } from '@nestjs/common';
import { ResidentsModule } from '../residents/residents.module';
import { CivilStatusController } from './civil-status.controller';
import { CivilStatusService } from './civil-status.service';

/** Personenstandsregister: the Standesamt's agency API; it consumes no events. */
@Module({
  imports: [ResidentsModule],
  controllers: [CivilStatusController],
  providers: [CivilStatusService],
})
export class CivilStatusModule {}
