import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AgencyApiKeyGuard } from '@regsync/service-runtime/agency-api-key.guard';

export const OPS_API_KEYS = Symbol('OPS_API_KEYS');

/** The agency API key check of service-runtime, for the ops endpoints that name subjects (IdNr, parcels). */
@Injectable()
export class OpsApiKeyGuard implements CanActivate {
  private readonly guard: AgencyApiKeyGuard;

  constructor(@Inject(OPS_API_KEYS) apiKeys: Record<string, string>) {
    this.guard = new AgencyApiKeyGuard(apiKeys);
  }

  canActivate(context: ExecutionContext): boolean {
    return this.guard.canActivate(context);
  }
}
