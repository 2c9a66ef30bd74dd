import { Body, Controller, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AddressDisclosure } from '@regsync/data-protection/information-block-handling';
import type { SecondaryResidence } from '@regsync/register-domain/register-rules';
import { AgencyApiKeyGuard, type AuthenticatedRequest, idnrParams, openApiSchemaOf, ZodBodyPipe } from '@regsync/service-runtime/agency-api';
import { IdempotentWrite } from '@regsync/service-runtime/request-idempotency';
import { z } from 'zod';
import { moveOutOfSecondaryResidenceExample, moveOutOfSecondaryResidenceRequest, type MoveOutOfSecondaryResidenceRequest } from './move-out-of-secondary-residence.request';
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

  @Post(':idnr/move-out')
  @HttpCode(200)
  @IdempotentWrite()
  @ApiOperation({ summary: 'Abmeldung of a Nebenwohnung here (§ 17 Abs. 2 BMG): it ends on movedOutOn; its retention starts (55 years after the end of that year)' })
  @ApiParam({ name: 'idnr', example: '36574261809' })
  @ApiBody({ schema: openApiSchemaOf(moveOutOfSecondaryResidenceRequest, moveOutOfSecondaryResidenceExample) })
  @ApiOkResponse({ description: 'ended: the Nebenwohnung with movedOutOn and movedOutBy' })
  @ApiBadRequestResponse({ description: 'a broken rule, named by field: e.g. movedOutOn before the move in or in the future' })
  @ApiNotFoundResponse({ description: 'the person has no Nebenwohnung at that dwelling here' })
  @ApiConflictResponse({ description: 'code moved-out-already: the Nebenwohnung has ended already (moved out, or its holder died); nothing is written' })
  async moveOut(
    @Param(new ZodBodyPipe(idnrParams)) { idnr }: z.output<typeof idnrParams>,
    @Body(new ZodBodyPipe(moveOutOfSecondaryResidenceRequest)) body: MoveOutOfSecondaryResidenceRequest,
    @Req() request: AuthenticatedRequest,
  ) {
    return view(await this.residences.moveOut(idnr, body, request.agency ?? 'unknown'));
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
