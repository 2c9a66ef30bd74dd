import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { RegistryErrorFilter } from './registry-error.filter';
import { SchemaRequest, SchemaRegistryService, SubjectVersion } from './schema-registry.service';

/** Confluent's `/subjects` API: subjects (e.g. `<topic>-<record name>`), their versions, registration and lookup. */
@Controller('subjects')
@UseFilters(RegistryErrorFilter)
export class SubjectsController {
  constructor(private readonly registry: SchemaRegistryService) {}

  @Get()
  subjects(@Query('deleted') deleted?: string): Promise<string[]> {
    return this.registry.subjects(deleted === 'true');
  }

  @Get(':subject/versions')
  versions(@Param('subject') subject: string): Promise<number[]> {
    return this.registry.versions(subject);
  }

  @Post(':subject/versions')
  @HttpCode(200)
  register(@Param('subject') subject: string, @Body() body: SchemaRequest): Promise<{ id: number }> {
    return this.registry.register(subject, body);
  }

  @Get(':subject/versions/:version')
  version(@Param('subject') subject: string, @Param('version') version: string): Promise<SubjectVersion> {
    return this.registry.version(subject, version);
  }

  /** The schema itself, unwrapped. */
  @Get(':subject/versions/:version/schema')
  async schema(@Param('subject') subject: string, @Param('version') version: string, @Res() response: Response): Promise<void> {
    const found = await this.registry.version(subject, version);
    response.send(found.schema);
  }

  @Post(':subject')
  @HttpCode(200)
  lookup(@Param('subject') subject: string, @Body() body: SchemaRequest): Promise<SubjectVersion> {
    return this.registry.lookup(subject, body);
  }

  @Delete(':subject')
  deleteSubject(@Param('subject') subject: string, @Query('permanent') permanent?: string): Promise<number[]> {
    return this.registry.deleteSubject(subject, permanent === 'true');
  }

  @Delete(':subject/versions/:version')
  deleteVersion(@Param('subject') subject: string, @Param('version') version: string, @Query('permanent') permanent?: string): Promise<number> {
    return this.registry.deleteVersion(subject, version, permanent === 'true');
  }
}
