import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AgencyApiKeyGuard } from '@regsync/service-runtime/agency-api-key.guard';
import { StateResidentEntity } from './state-resident.entity';
import { StateResidentsService } from './state-residents.service';

@ApiTags('Landesmelderegister')
@ApiSecurity('agency-api-key')
@UseGuards(AgencyApiKeyGuard)
@Controller('residents')
export class StateResidentsController {
  constructor(private readonly residents: StateResidentsService) {}

  @Get()
  @ApiOperation({ summary: 'Every person in this Landesmelderegister' })
  async list() {
    return { residents: (await this.residents.list()).map(view) };
  }

  @Get(':idnr')
  @ApiOperation({ summary: 'One person of the Land mirror by IdNr' })
  @ApiParam({ name: 'idnr', example: '36574261809' })
  @ApiBadRequestResponse({ description: 'idnr is no valid IdNr (violations name the rule)' })
  @ApiNotFoundResponse({ description: 'the person is not in this Landesmelderegister' })
  @ApiOkResponse({ description: 'the person' })
  async get(@Param('idnr') idnr: string) {
    return view(await this.residents.get(idnr));
  }
}

function view({ updatedAt: _updatedAt, ...resident }: StateResidentEntity) {
  return resident;
}
