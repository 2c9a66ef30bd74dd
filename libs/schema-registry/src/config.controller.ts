import { Body, Controller, Delete, Get, Param, Put, Query, UseFilters, UseGuards } from '@nestjs/common';
import type { CompatibilityLevel } from '@regsync/contracts/registry-protocol';
import { GLOBAL_CONFIG_SUBJECT } from './compatibility-config.entity';
import { RegistryAuthGuard, RegistryWrite } from './registry-auth.guard';
import { RegistryErrorFilter } from './registry-error.filter';
import { SchemaRegistryService } from './schema-registry.service';

/** Confluent's `/config` API: compatibility levels, global and per subject. GET answers `compatibilityLevel`, PUT takes and answers `compatibility`. */
@Controller('config')
@UseFilters(RegistryErrorFilter)
@UseGuards(RegistryAuthGuard)
export class ConfigController {
  constructor(private readonly registry: SchemaRegistryService) {}

  @Get()
  async global(): Promise<{ compatibilityLevel: CompatibilityLevel }> {
    return { compatibilityLevel: await this.registry.globalLevel() };
  }

  @Put()
  @RegistryWrite('set the global compatibility level')
  async setGlobal(@Body() body: { compatibility?: unknown } | undefined): Promise<{ compatibility: CompatibilityLevel }> {
    return { compatibility: await this.registry.setLevel(GLOBAL_CONFIG_SUBJECT, body?.compatibility) };
  }

  @Delete()
  @RegistryWrite('reset the global compatibility level')
  async deleteGlobal(): Promise<{ compatibilityLevel: CompatibilityLevel }> {
    return { compatibilityLevel: await this.registry.deleteLevel(GLOBAL_CONFIG_SUBJECT) };
  }

  @Get(':subject')
  async subject(@Param('subject') subject: string, @Query('defaultToGlobal') defaultToGlobal?: string): Promise<{ compatibilityLevel: CompatibilityLevel }> {
    return { compatibilityLevel: await this.registry.subjectLevel(subject, defaultToGlobal === 'true') };
  }

  @Put(':subject')
  @RegistryWrite('set the compatibility level of a subject')
  async setSubject(@Param('subject') subject: string, @Body() body: { compatibility?: unknown } | undefined): Promise<{ compatibility: CompatibilityLevel }> {
    return { compatibility: await this.registry.setLevel(subject, body?.compatibility) };
  }

  @Delete(':subject')
  @RegistryWrite('delete the compatibility level of a subject')
  async deleteSubject(@Param('subject') subject: string): Promise<{ compatibilityLevel: CompatibilityLevel }> {
    return { compatibilityLevel: await this.registry.deleteLevel(subject) };
  }
}
