import { BadRequestException, Body, Controller, HttpCode, Inject, Logger, NotFoundException, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { MESSAGING_OPTIONS, MessagingOptions, hostedAuthorities, Outbox } from '@regsync/messaging/register-messaging';
import { OpsApiKeyGuard } from '@regsync/observability/ops-api-key.guard';
import { AuthorityDatabase, runAsAuthority } from '@regsync/persistence/authority-scope';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/authorities';
import type { AuthenticatedRequest } from '@regsync/service-runtime/agency-api';
import { idnrField, openApiSchemaOf, ZodBodyPipe } from '@regsync/service-runtime/agency-api';
import { heldPerson, PersonErasure, PersonErasureResult } from './person-erasure';

/** Why a person is erased: the rule applied (no free text, so nothing personal reaches the log or the event). */
export const ERASURE_REASONS = ['REQUEST_OF_DATA_SUBJECT', 'UNLAWFULLY_PROCESSED', 'REGISTRATION_IN_ERROR', 'COURT_ORDER'] as const;

export const erasureRequest = z.object({
  idnr: idnrField,
  reason: z.enum(ERASURE_REASONS).describe('the rule the erasure applies: Art. 17 Abs. 1 lit. a/d DSGVO, an entry made in error (§ 12 BMG), a court order'),
  /** For a process hosting several municipalities: which one erases (default: the process's own). */
  municipality: z.string().regex(/^\d{8}$/, 'must be an AGS (8 digits)').optional(),
});

export interface ErasureResponse {
  correlationId: string;
  eventId: string;
  deleted: PersonErasureResult['deleted'];
  unlisted: PersonErasureResult['unlisted'];
  keyErased: boolean;
  rekeyed: number;
}

/**
 * Erasure of a person by the Meldebehörde (ops API key of an acting agency, never a read-only one): deletes the
 * register's rows and the person's data key, and sends PersonErased through the router to every register that holds
 * the person. Logged with who and why, without the IdNr.
 */
@ApiTags('ops')
@ApiSecurity('agency-api-key')
@Controller('ops/persons')
@UseGuards(OpsApiKeyGuard)
export class PersonErasureController {
  private readonly logger = new Logger('PersonErasure');

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly database: AuthorityDatabase,
    private readonly outbox: Outbox,
    private readonly erasure: PersonErasure,
  ) {}

  @Post('erasures')
  @HttpCode(200)
  @ApiOperation({ summary: "erase a person: the register's rows and the key of their events are deleted here, and every register holding the person is told to do the same (crypto-shredding: no copy of their events opens any more)" })
  @ApiBody({ schema: openApiSchemaOf(erasureRequest, { idnr: '36574261809', reason: 'REGISTRATION_IN_ERROR' }) })
  @ApiOkResponse({ description: 'erased here; PersonErased is on its way to the holders (correlationId)' })
  @ApiBadRequestResponse({ description: 'a field breaks its rule (named), or the municipality is not hosted here' })
  @ApiNotFoundResponse({ description: 'the register holds no person with this IdNr' })
  async erase(@Body(new ZodBodyPipe(erasureRequest)) body: z.output<typeof erasureRequest>, @Req() request: AuthenticatedRequest): Promise<ErasureResponse> {
    const authority = body.municipality ?? this.options.instanceKey;
    if (!hostedAuthorities(this.options).includes(authority)) throw new BadRequestException(`municipality: ${authority} is not hosted by this process`);
    const requestedBy = request.agency ?? 'unknown';
    const correlationId = randomUUID();
    const response = await runAsAuthority(authority, () =>
      this.database.transaction(async (manager) => {
        const event = await this.outbox.append(manager, {
          eventType: 'PersonErased',
          register: 'MELDEREGISTER',
          subject: { kind: 'PERSON', id: body.idnr },
          correlationId,
          causationId: null,
          legalBasis: SENDER_LEGAL_BASIS.PersonErased,
          payload: { reason: body.reason, requestedBy },
        });
        const result = await this.erasure.erase(manager, body.idnr, { correlationId, requestedBy });
        // Throwing rolls the erasure event back with everything else.
        if (!heldPerson(result)) throw new NotFoundException('idnr: the register holds no person with this IdNr');
        return { correlationId, eventId: event.envelope.eventId, ...result };
      }),
    );
    this.logger.log(JSON.stringify({ audit: 'person-erased', authority, requestedBy, reason: body.reason, correlationId, eventId: response.eventId, deleted: response.deleted, unlisted: response.unlisted, keyErased: response.keyErased, rekeyed: response.rekeyed }));
    return response;
  }
}
