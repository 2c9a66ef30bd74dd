import { Body, Controller, HttpCode, Inject, Logger, NotFoundException, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { OpsApiKeyGuard } from '@regsync/observability/ops-api-key.guard';
import { openApiSchemaOf, ZodBodyPipe } from '@regsync/service-runtime/agency-api';
import { z } from 'zod';
import { REGISTER_RESTATEMENTS, RegisterRestatement, RegisterRestatements, restatementRequest, restatementRequestExample } from './register-restatement';

export interface RestatementResponse {
  dataset: string;
  correlationId: string;
  /** Subjects whose current state went out (through the outbox, so it is delivered once the relay sent it). */
  restated: string[];
  /** Subjects this instance holds no current state of (it is not their authority, or they are unknown here). */
  notHeldHere: string[];
}

/** Drift repair: the authoritative register restates given subjects of a data set through the normal routed path. */
@ApiTags('ops')
@ApiSecurity('agency-api-key')
@Controller('ops/registers')
@UseGuards(OpsApiKeyGuard)
export class RegisterRestatementController {
  private readonly logger = new Logger('RegisterRestatement');

  constructor(
    @Inject(REGISTER_RESTATEMENTS) private readonly restatements: RegisterRestatement[],
    private readonly registers: RegisterRestatements,
  ) {}

  @Post(':dataset/restatements')
  @HttpCode(200)
  @ApiOperation({ summary: "restate: the current state of the given subjects of a data set this register is authoritative for goes out again through its outbox and the router (drift repair); logged with who asked" })
  @ApiBody({ schema: openApiSchemaOf(restatementRequest, restatementRequestExample) })
  @ApiOkResponse({ description: 'restated: the subjects whose state went out; notHeldHere: those this instance holds no current state of' })
  @ApiNotFoundResponse({ description: 'this instance restates no such data set' })
  @ApiServiceUnavailableResponse({ description: 'the schema registry is not reached (the events cannot be encoded yet); nothing is written; retry' })
  async restate(@Param('dataset') dataset: string, @Body(new ZodBodyPipe(restatementRequest)) body: z.output<typeof restatementRequest>): Promise<RestatementResponse> {
    const restatement = this.restatements.find((candidate) => candidate.dataset === dataset);
    if (!restatement) {
      throw new NotFoundException(`dataset: this instance restates ${this.restatements.map((candidate) => candidate.dataset).join(', ') || 'no data set'}, not ${dataset}`);
    }
    const request = { ...body, correlationId: body.correlationId ?? randomUUID() };
    const restated = new Set(await this.registers.restate(restatement, request));
    this.logger.log(JSON.stringify({ audit: 'register-restated', dataset, correlationId: request.correlationId, requestedBy: request.requestedBy, restated: restated.size, requested: request.subjects.length }));
    return { dataset, correlationId: request.correlationId, restated: [...restated], notHeldHere: request.subjects.filter((subject) => !restated.has(subject)) };
  }
}
