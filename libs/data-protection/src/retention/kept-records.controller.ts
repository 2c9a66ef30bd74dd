import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AgencyApiKeyGuard, idnrParams, ZodBodyPipe } from '@regsync/service-runtime/agency-api';
import { KeptRecord, KeptRecords } from './kept-records';

@ApiTags('transfer log')
@ApiSecurity('agency-api-key')
@UseGuards(AgencyApiKeyGuard)
@Controller('retention')
export class KeptRecordsController {
  constructor(private readonly keptRecords: KeptRecords) {}

  @Get()
  @ApiOperation({ summary: 'What the registers of this instance keep about one IdNr, until when and under which legal basis (retention catalog)' })
  @ApiQuery({ name: 'idnr', required: true, example: '36574261809' })
  @ApiOkResponse({ description: 'per register and kind of record: how many, kept until (null while current), the rule and its basis' })
  @ApiBadRequestResponse({ description: 'idnr missing or no valid IdNr (violations name the rule)' })
  async kept(@Query(new ZodBodyPipe(idnrParams)) query: z.output<typeof idnrParams>): Promise<{ idnr: string; kept: KeptRecord[] }> {
    return { idnr: query.idnr, kept: await this.keptRecords.forIdnr(query.idnr) };
  }
}
