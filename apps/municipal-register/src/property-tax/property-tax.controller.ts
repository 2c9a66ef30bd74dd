import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AgencyApiKeyGuard } from '@regsync/service-runtime/agency-api';
import type { StoredRow } from '@regsync/persistence/register-storage';
import type { PropertyTaxEntry } from '@regsync/register-domain/register-rules';
import { PropertyTaxService } from './property-tax.service';

@ApiTags('Grundsteuer')
@ApiSecurity('agency-api-key')
@UseGuards(AgencyApiKeyGuard)
@Controller('property-tax')
export class PropertyTaxController {
  constructor(private readonly propertyTax: PropertyTaxService) {}

  @Get()
  @ApiOperation({ summary: 'Every parcel in this property-tax roll' })
  async list() {
    return { entries: (await this.propertyTax.list()).map(view) };
  }

  @Get(':parcelId')
  @ApiOperation({ summary: 'The tax base of one parcel, as the cadastre reported it' })
  @ApiParam({ name: 'parcelId', example: '14612300100012______' })
  @ApiNotFoundResponse({ description: 'the parcel is not in this property-tax roll' })
  @ApiOkResponse({ description: 'the property-tax entry' })
  async get(@Param('parcelId') parcelId: string) {
    return view(await this.propertyTax.get(parcelId));
  }
}

function view({ updatedAt, ...entry }: StoredRow<PropertyTaxEntry, 'updatedAt'>) {
  return { ...entry, updatedAt: updatedAt.toISOString() };
}
