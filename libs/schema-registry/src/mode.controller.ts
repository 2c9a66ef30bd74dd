import { Body, Controller, Delete, Get, Param, Put, Query, UseFilters, UseGuards } from '@nestjs/common';
import { GLOBAL_CONFIG_SUBJECT } from './compatibility-config.entity';
import { RegistryAuthGuard, RegistryWrite } from './registry-auth.guard';
import { RegistryErrorFilter } from './registry-error.filter';
import { RegistryMode, RegistryModes } from './registry-modes';

/** Confluent's `/mode` API: READWRITE or read-only, global and per subject. */
@Controller('mode')
@UseFilters(RegistryErrorFilter)
@UseGuards(RegistryAuthGuard)
export class ModeController {
  constructor(private readonly modes: RegistryModes) {}

  @Get()
  async global(): Promise<{ mode: RegistryMode }> {
    return { mode: await this.modes.modeOf(GLOBAL_CONFIG_SUBJECT, true) };
  }

  @Put()
  @RegistryWrite('set the global mode')
  async setGlobal(@Body() body: { mode?: unknown } | undefined): Promise<{ mode: RegistryMode }> {
    return { mode: await this.modes.setMode(GLOBAL_CONFIG_SUBJECT, body?.mode) };
  }

  @Get(':subject')
  async subject(@Param('subject') subject: string, @Query('defaultToGlobal') defaultToGlobal?: string): Promise<{ mode: RegistryMode }> {
    return { mode: await this.modes.modeOf(subject, defaultToGlobal === 'true') };
  }

  @Put(':subject')
  @RegistryWrite('set the mode of a subject')
  async setSubject(@Param('subject') subject: string, @Body() body: { mode?: unknown } | undefined): Promise<{ mode: RegistryMode }> {
    return { mode: await this.modes.setMode(subject, body?.mode) };
  }

  @Delete(':subject')
  @RegistryWrite('delete the mode of a subject')
  async deleteSubject(@Param('subject') subject: string): Promise<{ mode: RegistryMode }> {
    return { mode: await this.modes.deleteMode(subject) };
  }
}
