import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AgencyApiKeyGuard } from '@regsync/service-runtime/agency-api-key.guard';
import { BaseDataService } from './base-data.service';

@ApiTags('IdNr base data (BZSt)')
@ApiSecurity('agency-api-key')
@UseGuards(AgencyApiKeyGuard)
@Controller('persons')
export class PersonsController {
  constructor(private readonly baseData: BaseDataService) {}

  @Get(':idnr')
  @ApiOperation({ summary: 'The base data stored for one IdNr' })
  @ApiParam({ name: 'idnr', example: '36574261809' })
  @ApiBadRequestResponse({ description: 'idnr is no valid IdNr (violations name the rule)' })
  @ApiNotFoundResponse({ description: 'no base data for this IdNr' })
  @ApiOkResponse({ description: 'the base data' })
  async get(@Param('idnr') idnr: string) {
    const { updatedAt: _updatedAt, ...data } = await this.baseData.get(idnr);
    return data;
  }
}
