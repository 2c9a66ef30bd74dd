import { Module } from '@nestjs/common';
import { ParcelsController } from './parcels.controller';
import { ParcelsService } from './parcels.service';

/** Liegenschaftskataster: the cadastre's agency API; it consumes no events. */
@Module({
  controllers: [ParcelsController],
  providers: [ParcelsService],
})
export class ParcelsModule {}
