import { Body, Controller, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AddressDisclosure } from '@regsync/data-protection/information-block-handling';
import { AgencyApiKeyGuard, type AuthenticatedRequest, CorrelationId, openApiSchemaOf, ZodBodyPipe } from '@regsync/service-runtime/agency-api';
import { IdempotentWrite } from '@regsync/service-runtime/request-idempotency';
import { initialLoadExample, initialLoadRequest, INITIAL_LOAD_MAX_BATCH, type InitialLoadRequest } from './initial-load.request';
import { InitialLoadService } from './initial-load.service';
import { registerResidenceExample, registerResidenceRequest, type RegisterResidenceRequest } from './register-residence.request';
import type { StoredRow } from '@regsync/persistence/register-storage';
import type { Resident } from '@regsync/register-domain/register-rules';
import { ResidentsService } from './residents.service';

@ApiTags('Melderegister')
@ApiSecurity('agency-api-key')
@UseGuards(AgencyApiKeyGuard)
@Controller()
export class ResidentsController {
  constructor(
    private readonly residents: ResidentsService,
    private readonly disclosure: AddressDisclosure,
    private readonly initialLoad: InitialLoadService,
  ) {}

  @Post('residences')
  @HttpCode(201)
  @IdempotentWrite()
  @ApiOperation({ summary: 'registerResidence: Anmeldung of a person moving in; the previous municipality, the Länder and the BZSt follow by events' })
  @ApiBody({ schema: openApiSchemaOf(registerResidenceRequest, registerResidenceExample) })
  @ApiCreatedResponse({ description: 'registered; correlationId follows every resulting event' })
  @ApiConflictResponse({
    description:
      'code subject-deceased: this Melderegister knows the person is deceased (they live or lived here); nothing is written. ' +
      'A municipality the person never lived in cannot know the death and answers 201; then the BZSt and every Land ' +
      'and municipality that holds the person refuse the event (dead letter subject-deceased) and keep them deceased.',
  })
  async registerResidence(@Body(new ZodBodyPipe(registerResidenceRequest)) body: RegisterResidenceRequest, @CorrelationId() correlationId: string) {
    const { resident, eventId } = await this.residents.registerResidence(body, correlationId);
    return { correlationId, eventId, resident };
  }

  @Post('residences/initial-load')
  @HttpCode(201)
  @IdempotentWrite()
  @ApiOperation({
    summary:
      `initialLoad: a municipality migrating its existing Melderegister into regsync registers up to ${INITIAL_LOAD_MAX_BATCH} persons who live here ` +
      'in one transaction (each checked like an Anmeldung, no previous address); the Land and the BZSt follow by events. A batch with ' +
      'any refused person (400 naming residents.<index>.<field> and the rule) writes nothing',
  })
  @ApiBody({ schema: openApiSchemaOf(initialLoadRequest, initialLoadExample) })
  @ApiCreatedResponse({ description: 'every person of the batch registered; correlationId follows their events' })
  async loadInitially(@Body(new ZodBodyPipe(initialLoadRequest)) body: InitialLoadRequest, @CorrelationId() correlationId: string, @Req() request: AuthenticatedRequest) {
    return { correlationId, ...(await this.initialLoad.load(body, correlationId, request.agency ?? 'unknown agency')) };
  }

  @Get('residents')
  @ApiOperation({ summary: 'Every person in this Melderegister; address and movedOutTo null where an information block withholds them' })
  async list(@Req() request: AuthenticatedRequest) {
    return { residents: await this.disclosure.views((await this.residents.list()).map(view), BLOCKED_FIELDS, request.agency) };
  }

  @Get('residents/:id')
  @ApiOperation({
    summary:
      'One resident by IdNr (or by birth registration id before the IdNr is assigned). informationBlock says whether a block ' +
      'is in force; then address and movedOutTo are null unless the calling agency is exempt (BLOCK_EXEMPT_AGENCIES)',
  })
  @ApiParam({ name: 'id', example: '36574261809' })
  @ApiNotFoundResponse({ description: 'the person is not in this Melderegister' })
  @ApiOkResponse({ description: 'the resident' })
  async get(@Param('id') id: string, @Req() request: AuthenticatedRequest) {
    return this.disclosure.view(view(await this.residents.get(id)), BLOCKED_FIELDS, request.agency);
  }
}

/** What a block withholds: the address, and the municipality moved to, which names the new residence. */
const BLOCKED_FIELDS = ['address', 'movedOutTo'] as const;

function view({ updatedAt: _updatedAt, ...resident }: StoredRow<Resident, 'updatedAt'>) {
  return resident;
}
