import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AgencyApiKeyGuard, idnrParams, ZodBodyPipe } from '@regsync/service-runtime/agency-api';
import { TransferLog, TransferView } from './transfer-log';

@ApiTags('transfer log')
@ApiSecurity('agency-api-key')
@UseGuards(AgencyApiKeyGuard)
@Controller('transfers')
export class TransferLogController {
  constructor(private readonly transferLog: TransferLog) {}

  @Get()
  @ApiOperation({ summary: 'Every transfer of personal data about one IdNr to a register of this instance (§ 9 IDNrG), oldest first' })
  @ApiQuery({ name: 'idnr', required: true, example: '36574261809' })
  @ApiOkResponse({ description: 'the transfers' })
  @ApiBadRequestResponse({ description: 'idnr missing or no valid IdNr (violations name the rule)' })
  async transfers(@Query(new ZodBodyPipe(idnrParams)) query: z.output<typeof idnrParams>): Promise<{ idnr: string; transfers: TransferView[] }> {
    return { idnr: query.idnr, transfers: await this.transferLog.forIdnr(query.idnr) };
  }
}
