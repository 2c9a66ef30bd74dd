import { Controller, Get, Param, UseFilters, UseGuards } from '@nestjs/common';
import { RegistryAuthGuard } from './registry-auth.guard';
import { RegistryErrorFilter } from './registry-error.filter';
import { SchemaRegistryService } from './schema-registry.service';

/** Confluent's `/schemas` API: a schema by its global id (what a consumer reads from bytes 1–4 of a message). */
@Controller('schemas')
@UseFilters(RegistryErrorFilter)
@UseGuards(RegistryAuthGuard)
export class SchemasController {
  constructor(private readonly registry: SchemaRegistryService) {}

  @Get('types')
  types(): string[] {
    return ['AVRO'];
  }

  @Get('ids/:id')
  schema(@Param('id') id: string): Promise<{ schema: string; schemaType?: string }> {
    return this.registry.schemaById(id);
  }

  @Get('ids/:id/versions')
  versions(@Param('id') id: string): Promise<Array<{ subject: string; version: number }>> {
    return this.registry.subjectVersionsOfSchema(id);
  }

  @Get('ids/:id/subjects')
  async subjects(@Param('id') id: string): Promise<string[]> {
    const versions = await this.registry.subjectVersionsOfSchema(id);
    return [...new Set(versions.map((version) => version.subject))];
  }
}
