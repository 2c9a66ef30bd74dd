import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CockpitView, TransferCockpit } from '@regsync/data-protection/transfers';
import { assertIdnr } from '@regsync/register-domain/identifiers';
import { AgencyApiKeyGuard } from '@regsync/service-runtime/agency-api';

@ApiTags('Datenschutzcockpit')
@ApiSecurity('agency-api-key')
@UseGuards(AgencyApiKeyGuard)
@Controller('cockpit')
export class CockpitController {
  constructor(private readonly cockpit: TransferCockpit) {}

  @Get(':idnr')
  @ApiOperation({ summary: 'Every transfer of personal data about one IdNr across all registers, ordered by time (§ 10 OZG, § 9 IDNrG)' })
  @ApiParam({ name: 'idnr', example: '36574261809' })
  @ApiBadRequestResponse({ description: 'idnr is no valid IdNr (violations name the rule)' })
  @ApiOkResponse({ description: 'the transfers, oldest first' })
  async view(@Param('idnr') idnr: string): Promise<CockpitView> {
    assertIdnr(idnr);
    return this.cockpit.viewFor(idnr);
  }
}
