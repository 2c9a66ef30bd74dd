import { Controller, Get, Param, Req, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AddressDisclosure } from '@regsync/data-protection/information-block-handling';
import { AgencyApiKeyGuard, type AuthenticatedRequest } from '@regsync/service-runtime/agency-api';
import { BaseDataService } from './base-data.service';

@ApiTags('IdNr base data (BZSt)')
@ApiSecurity('agency-api-key')
@UseGuards(AgencyApiKeyGuard)
@Controller('persons')
export class PersonsController {
  constructor(
    private readonly baseData: BaseDataService,
    private readonly disclosure: AddressDisclosure,
  ) {}

  @Get(':idnr')
  @ApiOperation({
    summary:
      'The base data stored for one IdNr. informationBlock says whether an Auskunftssperre is in force; then address is null ' +
      'unless the calling agency is exempt (BLOCK_EXEMPT_AGENCIES)',
  })
  @ApiParam({ name: 'idnr', example: '36574261809' })
  @ApiBadRequestResponse({ description: 'idnr is no valid IdNr (violations name the rule)' })
  @ApiNotFoundResponse({ description: 'no base data for this IdNr' })
  @ApiOkResponse({ description: 'the base data' })
  async get(@Param('idnr') idnr: string, @Req() request: AuthenticatedRequest) {
    const { updatedAt: _updatedAt, assignedAt: _assignedAt, ...data } = await this.baseData.get(idnr);
    return this.disclosure.view(data, ['address'], request.agency);
  }
}
