import { Body, Controller, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AddressDisclosure } from '@regsync/data-protection/information-block-handling';
import type { SecondaryResidence } from '@regsync/register-domain/register-rules';
import { AgencyApiKeyGuard, type AuthenticatedRequest, openApiSchemaOf, ZodBodyPipe } from '@regsync/service-runtime/agency-api';
import { IdempotentWrite } from '@regsync/service-runtime/request-idempotency';
import { registerSecondaryResidenceExample, registerSecondaryResidenceRequest, type RegisterSecondaryResidenceRequest } from './register-secondary-residence.request';
import { SecondaryResidencesService } from './secondary-residences.service';

@ApiTags('Melderegister: Nebenwohnungen')
@ApiSecurity('agency-api-key')
@UseGuards(AgencyApiKeyGuard)
@Controller('secondary-residences')
export class SecondaryResidencesController {
  constructor(
    private readonly residences: SecondaryResidencesService,
    private readonly disclosure: AddressDisclosure,
  ) {}

  @Post()
  @HttpCode(201)
  @IdempotentWrite()
  @ApiOperation({ summary: 'Anmeldung of a Nebenwohnung in this municipality (§ 21 BMG); the Hauptwohnung is registered with POST /residences' })
  @ApiBody({ schema: openApiSchemaOf(registerSecondaryResidenceRequest, registerSecondaryResidenceExample) })
  @ApiCreatedResponse({ description: 'registered' })
  @ApiBadRequestResponse({ description: 'a broken rule, named by field: e.g. the dwelling lies elsewhere or is registered already' })
  async register(@Body(new ZodBodyPipe(registerSecondaryResidenceRequest)) body: RegisterSecondaryResidenceRequest, @Req() request: AuthenticatedRequest) {
    return view(await this.residences.register(body, request.agency ?? 'unknown'));
  }

  @Get(':idnr')
  @ApiOperation({ summary: "A person's Nebenwohnungen here; an address is null while an Auskunftssperre protects it (unless the agency is exempt)" })
  @ApiParam({ name: 'idnr', example: '36574261809' })
  @ApiOkResponse({ description: 'the Nebenwohnungen, current and past' })
  async of(@Param('idnr') idnr: string, @Req() request: AuthenticatedRequest) {
    const residences = (await this.residences.of(idnr)).map(view);
    return { idnr, secondaryResidences: await this.disclosure.views(residences, ['address'], request.agency) };
  }
}

function view({ dwelling: _dwelling, updatedAt: _updatedAt, ...residence }: SecondaryResidence & { updatedAt?: Date }) {
  return residence;
}
