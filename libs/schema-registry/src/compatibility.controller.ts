import { Body, Controller, HttpCode, Param, Post, Query, UseFilters, UseGuards } from '@nestjs/common';
import { RegistryAuthGuard } from './registry-auth.guard';
import { RegistryErrorFilter } from './registry-error.filter';
import { CompatibilityCheck, SchemaRequest, SchemaRegistryService } from './schema-registry.service';

/** Confluent's `/compatibility` API: would a schema be accepted, and if not, which fields break. */
@Controller('compatibility')
@UseFilters(RegistryErrorFilter)
@UseGuards(RegistryAuthGuard)
export class CompatibilityController {
  constructor(private readonly registry: SchemaRegistryService) {}

  @Post('subjects/:subject/versions/:version')
  @HttpCode(200)
  againstVersion(@Param('subject') subject: string, @Param('version') version: string, @Body() body: SchemaRequest, @Query('verbose') verbose?: string): Promise<CompatibilityCheck> {
    return this.registry.testCompatibility(subject, version, body, verbose === 'true');
  }

  @Post('subjects/:subject/versions')
  @HttpCode(200)
  againstSubject(@Param('subject') subject: string, @Body() body: SchemaRequest, @Query('verbose') verbose?: string): Promise<CompatibilityCheck> {
    return this.registry.testCompatibility(subject, undefined, body, verbose === 'true');
  }
}
