import { DynamicModule, Module } from '@nestjs/common';
import { OPS_API_KEYS, OpsApiKeyGuard } from '@regsync/observability/ops-api-key.guard';
import { PersonErasedHandler } from './person-erased.handler';
import { ERASURE_RESTATEMENTS, PersonErasure } from './person-erasure';
import type { RegisterRestatement } from '../restatement/register-restatement';
import { PersonErasureController } from './person-erasure.controller';

export interface PersonErasureOptions {
  /** The Meldebehörde's acting agencies (never read-only ones) that may erase here; none: this register only follows erasures. */
  erasingAgencyKeys?: Record<string, string>;
  /** How this register restates a subject the erasure re-keys (the cadastre: its parcels); none: it only re-keys. */
  restatements?: readonly RegisterRestatement[];
}

/** Erasure of persons: every register that holds persons follows PersonErased; a Melderegister also serves POST /ops/persons/erasures. */
@Module({})
export class PersonErasureModule {
  static forRoot(options: PersonErasureOptions = {}): DynamicModule {
    const endpoint = Object.keys(options.erasingAgencyKeys ?? {}).length > 0;
    return {
      module: PersonErasureModule,
      controllers: [PersonErasedHandler, ...(endpoint ? [PersonErasureController] : [])],
      providers: [PersonErasure, { provide: ERASURE_RESTATEMENTS, useValue: options.restatements ?? [] }, ...(endpoint ? [{ provide: OPS_API_KEYS, useValue: options.erasingAgencyKeys }, OpsApiKeyGuard] : [])],
    };
  }
}
