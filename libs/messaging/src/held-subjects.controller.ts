import { Body, Controller, Get, HttpCode, NotFoundException, Post, Req, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import { ApiBody, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { OpsApiKeyGuard } from '@regsync/observability/ops-api-key.guard';
import type { AuthenticatedRequest } from '@regsync/service-runtime/agency-api';
import { openApiSchemaOf, ZodBodyPipe } from '@regsync/service-runtime/agency-api';
import { AUTHORITY_KEY_PATTERN } from '@regsync/persistence/authority-scope';
import { HeldEventRelease } from './held-event-release';
import { HeldSubject } from './held-events';
import { RegsyncKafkaTransport } from './regsync-kafka.transport';

const releaseRequest = z
  .object({
    authority: z.string().regex(AUTHORITY_KEY_PATTERN, 'a hosted authority key (letters and digits, at most 14)'),
    subjectKind: z.string().min(1),
    subjectId: z.string().min(1),
    sourceInstanceKey: z.string().min(1),
    sourceRegister: z.string().min(1),
    /** The person who decided, where the caller acts for one (the ops dashboard): logged with the agency. */
    onBehalfOf: z.string().min(1).max(200).optional(),
  })
  .strict();

type ReleaseRequest = z.output<typeof releaseRequest>;

/**
 * Hold at a gap, for the operator: the subjects whose later events wait for a missing version, and the decision to
 * apply them over the gap (logged with the agency that decided). Read and decided as the owner, across the hosted
 * authorities, like /ops/registers.
 */
@ApiTags('ops')
@ApiSecurity('agency-api-key')
@Controller('ops/held-subjects')
@UseGuards(OpsApiKeyGuard)
export class HeldSubjectsController {
  constructor(private readonly transport: RegsyncKafkaTransport) {}

  @Get()
  async list(): Promise<{ generatedAt: string; subjects: HeldSubject[] }> {
    return { generatedAt: new Date().toISOString(), subjects: await this.release().heldSubjects() };
  }

  @Post('release')
  @HttpCode(200)
  @ApiBody({ schema: openApiSchemaOf(releaseRequest, { authority: '03404000', subjectKind: 'PERSON', subjectId: '36574261809', sourceInstanceKey: '03404000', sourceRegister: 'MELDEREGISTER' }) })
  async releaseOverGap(@Body(new ZodBodyPipe(releaseRequest)) body: ReleaseRequest, @Req() request: AuthenticatedRequest) {
    const { authority, onBehalfOf, ...subject } = body;
    const held = (await this.release().heldSubjects()).find(
      (candidate) =>
        candidate.authority === authority &&
        candidate.subjectKind === subject.subjectKind &&
        candidate.subjectId === subject.subjectId &&
        candidate.sourceInstanceKey === subject.sourceInstanceKey &&
        candidate.sourceRegister === subject.sourceRegister,
    );
    if (!held) throw new NotFoundException('subject: no held events of this subject and sender in this authority');
    const decidedBy = `agency ${request.agency ?? 'unknown'}${onBehalfOf ? ` for ${onBehalfOf}` : ''}`;
    const released = await this.release().releaseOverGap(authority, subject, decidedBy);
    return { decidedBy: request.agency, released };
  }

  private release(): HeldEventRelease {
    const release = this.transport.held;
    if (!release) throw new ServiceUnavailableException('this instance does not consume events (yet)');
    return release;
  }
}
