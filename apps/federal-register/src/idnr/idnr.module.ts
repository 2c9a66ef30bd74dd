import { Module } from '@nestjs/common';
import { IdnrAssignmentService } from './idnr-assignment.service';
import { IdnrRequestsHandler } from './idnr-requests.handler';

/** IdNr assignment for newborns (§ 139b AO). */
@Module({
  controllers: [IdnrRequestsHandler],
  providers: [IdnrAssignmentService],
})
export class IdnrModule {}
