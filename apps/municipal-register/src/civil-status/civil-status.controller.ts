import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AgencyApiKeyGuard, CorrelationId, openApiSchemaOf, ZodBodyPipe } from '@regsync/service-runtime/agency-api';
import { IdempotentWrite } from '@regsync/service-runtime/request-idempotency';
import type { CivilStatusRecord } from '@regsync/register-domain/register-rules';
import {
  recordBirthExample,
  recordBirthRequest,
  recordDeathExample,
  recordDeathRequest,
  recordNameChangeExample,
  recordNameChangeRequest,
  type RecordBirthRequest,
  type RecordDeathRequest,
  type RecordNameChangeRequest,
} from './civil-status.requests';
import { CivilStatusService } from './civil-status.service';

@ApiTags('Personenstandsregister (Standesamt)')
@ApiSecurity('agency-api-key')
@UseGuards(AgencyApiKeyGuard)
@Controller()
export class CivilStatusController {
  constructor(private readonly civilStatus: CivilStatusService) {}

  @Post('births')
  @HttpCode(201)
  @IdempotentWrite()
  @ApiOperation({ summary: 'recordBirth: the Melderegister registers the child, the BZSt assigns its IdNr, all by events' })
  @ApiBody({ schema: openApiSchemaOf(recordBirthRequest, recordBirthExample) })
  @ApiCreatedResponse({ description: 'recorded; birthRegistrationId identifies the child until its IdNr is assigned' })
  @ApiConflictResponse({ description: 'code birth-already-recorded: the birthRegistrationId sent is already in the Geburtenregister; nothing is recorded again' })
  async recordBirth(@Body(new ZodBodyPipe(recordBirthRequest)) body: RecordBirthRequest, @CorrelationId() correlationId: string) {
    const { record, eventId } = await this.civilStatus.recordBirth(body, correlationId);
    return { correlationId, eventId, birthRegistrationId: record.birthRegistrationId, record: view(record) };
  }

  @Post('name-changes')
  @HttpCode(201)
  @IdempotentWrite()
  @ApiOperation({ summary: 'recordNameChange (e.g. at marriage) of a resident; Melderegister, Land and BZSt follow by events' })
  @ApiBody({ schema: openApiSchemaOf(recordNameChangeRequest, recordNameChangeExample) })
  @ApiCreatedResponse({ description: 'recorded; correlationId follows every resulting event' })
  @ApiConflictResponse({ description: 'code subject-deceased: nothing is recorded after a death' })
  async recordNameChange(@Body(new ZodBodyPipe(recordNameChangeRequest)) body: RecordNameChangeRequest, @CorrelationId() correlationId: string) {
    const { record, eventId } = await this.civilStatus.recordNameChange(body, correlationId);
    return { correlationId, eventId, record: view(record) };
  }

  @Post('deaths')
  @HttpCode(201)
  @IdempotentWrite()
  @ApiOperation({ summary: 'recordDeath of a resident; every register marks the person deceased, for good' })
  @ApiBody({ schema: openApiSchemaOf(recordDeathRequest, recordDeathExample) })
  @ApiCreatedResponse({ description: 'recorded; correlationId follows every resulting event' })
  @ApiConflictResponse({ description: 'code subject-deceased: the death is already recorded' })
  async recordDeath(@Body(new ZodBodyPipe(recordDeathRequest)) body: RecordDeathRequest, @CorrelationId() correlationId: string) {
    const { record, eventId } = await this.civilStatus.recordDeath(body, correlationId);
    return { correlationId, eventId, record: view(record) };
  }

  @Get('civil-status/:id')
  @ApiOperation({ summary: 'The civil status record by IdNr or birth registration id' })
  @ApiParam({ name: 'id', example: '03404000-G-2026-000001' })
  @ApiNotFoundResponse({ description: 'no civil status record under this id in this municipality' })
  @ApiOkResponse({ description: 'the civil status record' })
  async get(@Param('id') id: string) {
    return view(await this.civilStatus.get(id));
  }
}

function view(record: CivilStatusRecord & { updatedAt?: Date }): CivilStatusRecord {
  const { updatedAt: _updatedAt, ...rest } = record;
  return rest;
}
