import { Controller, Get, Param, Req, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AddressDisclosure } from '@regsync/data-protection/information-block-handling';
import { AgencyApiKeyGuard, type AuthenticatedRequest } from '@regsync/service-runtime/agency-api';
import type { StoredRow } from '@regsync/persistence/register-storage';
import type { StateResident } from '@regsync/register-domain/register-rules';
import { StateResidentsService } from './state-residents.service';

@ApiTags('Landesmelderegister')
@ApiSecurity('agency-api-key')
@UseGuards(AgencyApiKeyGuard)
@Controller('residents')
export class StateResidentsController {
  constructor(
    private readonly residents: StateResidentsService,
    private readonly disclosure: AddressDisclosure,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Every person in this Landesmelderegister' })
  async list(@Req() request: AuthenticatedRequest) {
    return { residents: await this.disclosure.views((await this.residents.list()).map(view), BLOCKED_FIELDS, request.agency) };
  }

  @Get(':idnr')
  @ApiOperation({
    summary:
      'One person of the Land mirror by IdNr. informationBlock says whether a block is in force; then address and movedAwayTo ' +
      'are null unless the calling agency is exempt (BLOCK_EXEMPT_AGENCIES)',
  })
  @ApiParam({ name: 'idnr', example: '36574261809' })
  @ApiBadRequestResponse({ description: 'idnr is no valid IdNr (violations name the rule)' })
  @ApiNotFoundResponse({ description: 'the person is not in this Landesmelderegister' })
  @ApiOkResponse({ description: 'the person' })
  async get(@Param('idnr') idnr: string, @Req() request: AuthenticatedRequest) {
    return this.disclosure.view(view(await this.residents.get(idnr)), BLOCKED_FIELDS, request.agency);
  }
}

/** What a block withholds: the last address in the Land, and the municipality moved to. */
const BLOCKED_FIELDS = ['address', 'movedAwayTo'] as const;

function view({ updatedAt: _updatedAt, ...resident }: StoredRow<StateResident, 'updatedAt'>) {
  return resident;
}
