import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AgencyApiKeyGuard, CorrelationId, openApiSchemaOf, ZodBodyPipe } from '@regsync/service-runtime/agency-api';
import { IdempotentWrite } from '@regsync/service-runtime/request-idempotency';
import type { Parcel } from '@regsync/register-domain/register-rules';
import { ParcelsService } from './parcels.service';
import { recordParcelExample, recordParcelRequest, type RecordParcelRequest } from './record-parcel.request';

@ApiTags('Liegenschaftskataster')
@ApiSecurity('agency-api-key')
@UseGuards(AgencyApiKeyGuard)
@Controller('parcels')
export class ParcelsController {
  constructor(private readonly parcels: ParcelsService) {}

  @Post()
  @HttpCode(201)
  @IdempotentWrite()
  @ApiOperation({ summary: "recordParcel: records or changes a Flurstück; the parcel's municipality updates its property-tax roll by event" })
  @ApiBody({ schema: openApiSchemaOf(recordParcelRequest, recordParcelExample) })
  @ApiCreatedResponse({ description: 'recorded; eventType is ParcelRecorded or ParcelChanged' })
  async record(@Body(new ZodBodyPipe(recordParcelRequest)) body: RecordParcelRequest, @CorrelationId() correlationId: string) {
    const { parcel, eventType, eventId } = await this.parcels.record(body, correlationId);
    return { correlationId, eventId, eventType, parcel: view(parcel) };
  }

  @Get(':parcelId')
  @ApiOperation({ summary: 'One Flurstück of this cadastre' })
  @ApiParam({ name: 'parcelId', example: '14612300100012______' })
  @ApiNotFoundResponse({ description: 'the parcel is not in this Liegenschaftskataster' })
  @ApiOkResponse({ description: 'the parcel' })
  async get(@Param('parcelId') parcelId: string) {
    return view(await this.parcels.get(parcelId));
  }
}

function view(parcel: Parcel & { updatedAt?: Date }) {
  const { updatedAt: _updatedAt, ...facts } = parcel;
  return facts;
}
