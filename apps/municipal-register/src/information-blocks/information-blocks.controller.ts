import { Body, Controller, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AgencyApiKeyGuard, type AuthenticatedRequest, CorrelationId, idnrParams, openApiSchemaOf, ZodBodyPipe } from '@regsync/service-runtime/agency-api';
import { IdempotentWrite } from '@regsync/service-runtime/request-idempotency';
import { z } from 'zod';
import {
  liftInformationBlockExample,
  liftInformationBlockRequest,
  setInformationBlockExample,
  setInformationBlockRequest,
  type LiftInformationBlockRequest,
  type SetInformationBlockRequest,
} from './information-block.requests';
import { InformationBlocksService } from './information-blocks.service';
import { AuthorityDatabase } from '@regsync/persistence/authority-scope';

const NOT_RESIDENT =
  'code unknown-subject / not-resident: only the Meldebehörde the person lives in sets or lifts a block; ' +
  'code no-such-block (lift): no block of that kind is held. Nothing is written.';

@ApiTags('Melderegister: information blocks (§§ 51, 52 BMG)')
@ApiSecurity('agency-api-key')
@UseGuards(AgencyApiKeyGuard)
@Controller('information-blocks')
export class InformationBlocksController {
  constructor(
    private readonly blocks: InformationBlocksService,
    private readonly database: AuthorityDatabase,
  ) {}

  @Post()
  @HttpCode(201)
  @IdempotentWrite()
  @ApiOperation({
    summary:
      'setInformationBlock: Auskunftssperre (§ 51 BMG) or bedingter Sperrvermerk (§ 52 BMG) for a resident; the Land, the BZSt, ' +
      'former residences and, on a later move, the new municipality and its Land follow by events',
  })
  @ApiBody({ schema: openApiSchemaOf(setInformationBlockRequest, setInformationBlockExample) })
  @ApiCreatedResponse({ description: 'set; the block and the eventId of InformationBlockSet' })
  @ApiConflictResponse({ description: NOT_RESIDENT })
  async set(@Body(new ZodBodyPipe(setInformationBlockRequest)) body: SetInformationBlockRequest, @Req() request: AuthenticatedRequest, @CorrelationId() correlationId: string) {
    return { correlationId, ...(await this.blocks.set(body, request.agency!, correlationId)) };
  }

  @Post(':idnr/lift')
  @HttpCode(200)
  @IdempotentWrite()
  @ApiOperation({ summary: 'liftInformationBlock: the block ends here and in every register that holds it' })
  @ApiParam({ name: 'idnr', example: '36574261809' })
  @ApiBody({ schema: openApiSchemaOf(liftInformationBlockRequest, liftInformationBlockExample) })
  @ApiOkResponse({ description: 'lifted; the eventId of InformationBlockLifted' })
  @ApiConflictResponse({ description: NOT_RESIDENT })
  async lift(
    @Param(new ZodBodyPipe(idnrParams)) { idnr }: z.output<typeof idnrParams>,
    @Body(new ZodBodyPipe(liftInformationBlockRequest)) body: LiftInformationBlockRequest,
    @Req() request: AuthenticatedRequest,
    @CorrelationId() correlationId: string,
  ) {
    return { correlationId, ...(await this.blocks.lift(idnr, body, request.agency!, correlationId)) };
  }

  @Get(':idnr')
  @ApiOperation({ summary: 'The block held about one IdNr and the audit record: which agency set or lifted it, when, why' })
  @ApiParam({ name: 'idnr', example: '36574261809' })
  @ApiOkResponse({ description: 'the block held (null: none) and the audit record, newest first' })
  async history(@Param(new ZodBodyPipe(idnrParams)) { idnr }: z.output<typeof idnrParams>) {
    return { idnr, ...(await this.database.transaction((manager) => this.blocks.history(manager, idnr))) };
  }
}
