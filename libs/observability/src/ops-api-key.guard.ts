import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { AgencyApiKeyGuard, type AuthenticatedRequest } from '@regsync/service-runtime/agency-api';

export const OPS_API_KEYS = Symbol('OPS_API_KEYS');

/**
 * The agency API key check of service-runtime, for the ops endpoints that name subjects (IdNr, parcels). Their keys
 * are the process's own, not a hosted authority's: the endpoints read as the owner, across the hosted authorities.
 */
@Injectable()
export class OpsApiKeyGuard implements CanActivate {
  private readonly guard: AgencyApiKeyGuard;

  constructor(@Inject(OPS_API_KEYS) apiKeys: Record<string, string>) {
    this.guard = new AgencyApiKeyGuard([{ key: 'ops', agencies: apiKeys, readOnlyAgencies: [], blockExemptAgencies: [] }]);
  }

  canActivate(context: ExecutionContext): boolean {
    const allowed = this.guard.canActivate(context);
    delete context.switchToHttp().getRequest<AuthenticatedRequest>().authority;
    return allowed;
  }
}
