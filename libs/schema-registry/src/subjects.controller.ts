import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { RegistryAuthGuard, RegistryWrite } from './registry-auth.guard';
import { RegistryErrorFilter } from './registry-error.filter';
import { SchemaRequest, SchemaRegistryService, SubjectVersion } from './schema-registry.service';

/** Confluent's `/subjects` API: subjects (e.g. `<topic>-<record name>`), their versions, registration and lookup. */
@Controller('subjects')
@UseFilters(RegistryErrorFilter)
@UseGuards(RegistryAuthGuard)
export class SubjectsController {
  constructor(private readonly registry: SchemaRegistryService) {}

  @Get()
  subjects(@Query('deleted') deleted?: string, @Query('subjectPrefix') subjectPrefix?: string): Promise<string[]> {
    return this.registry.subjects(deleted === 'true', subjectPrefix ?? '');
  }

  @Get(':subject/versions')
  versions(@Param('subject') subject: string, @Query('deleted') deleted?: string): Promise<number[]> {
    return this.registry.versions(subject, deleted === 'true');
  }

  @Post(':subject/versions')
  @HttpCode(200)
  @RegistryWrite('register a schema')
  register(@Param('subject') subject: string, @Body() body: SchemaRequest): Promise<{ id: number }> {
    return this.registry.register(subject, body);
  }

  @Get(':subject/versions/:version')
  version(@Param('subject') subject: string, @Param('version') version: string, @Query('deleted') deleted?: string): Promise<SubjectVersion> {
    return this.registry.version(subject, version, deleted === 'true');
  }

  /** The schema itself, unwrapped. */
  @Get(':subject/versions/:version/schema')
  async schema(@Param('subject') subject: string, @Param('version') version: string, @Res() response: Response, @Query('deleted') deleted?: string): Promise<void> {
    const found = await this.registry.version(subject, version, deleted === 'true');
    response.send(found.schema);
  }

  @Post(':subject')
  @HttpCode(200)
  lookup(@Param('subject') subject: string, @Body() body: SchemaRequest, @Query('deleted') deleted?: string): Promise<SubjectVersion> {
    return this.registry.lookup(subject, body, deleted === 'true');
  }

  @Delete(':subject')
  @RegistryWrite('delete a subject')
  deleteSubject(@Param('subject') subject: string, @Query('permanent') permanent?: string): Promise<number[]> {
    return this.registry.deleteSubject(subject, permanent === 'true');
  }

  @Delete(':subject/versions/:version')
  @RegistryWrite('delete a schema version')
  deleteVersion(@Param('subject') subject: string, @Param('version') version: string, @Query('permanent') permanent?: string): Promise<number> {
    return this.registry.deleteVersion(subject, version, permanent === 'true');
  }
}
