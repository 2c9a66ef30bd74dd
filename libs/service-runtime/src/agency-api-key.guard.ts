import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { HostedAuthority } from './hosted-authorities';

/** The authorities this process hosts, with their agencies (hosted-authorities.ts). */
export const HOSTED_AUTHORITIES = Symbol('HOSTED_AUTHORITIES');

export interface AuthenticatedRequest {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
  /** The agency the API key belongs to, for the transfer log and the access log. */
  agency?: string;
  /** The hosted authority the agency belongs to: the request runs as it (AuthorityInterceptor). */
  authority?: string;
}

/**
 * Agencies authenticate with the API key configured for them (header `x-api-key`). The key names one agency of one
 * hosted authority; the request then acts for that authority only.
 */
@Injectable()
export class AgencyApiKeyGuard implements CanActivate {
  private readonly keys: Array<{ authority: HostedAuthority; agency: string; key: Buffer }>;

  constructor(@Inject(HOSTED_AUTHORITIES) authorities: readonly HostedAuthority[]) {
    this.keys = authorities.flatMap((authority) => Object.entries(authority.agencies).map(([agency, key]) => ({ authority, agency, key: Buffer.from(key) })));
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const presented = request.headers['x-api-key'];
    if (typeof presented !== 'string' || presented.length === 0) {
      throw new UnauthorizedException('x-api-key: an agency API key is required');
    }
    const match = this.agencyFor(Buffer.from(presented));
    if (!match) throw new UnauthorizedException('x-api-key: unknown API key');
    if (request.method !== 'GET' && match.authority.readOnlyAgencies.includes(match.agency)) {
      throw new ForbiddenException(`x-api-key: agency ${match.agency} may only read from this instance`);
    }
    request.agency = match.agency;
    request.authority = match.authority.key;
    return true;
  }

  private agencyFor(presented: Buffer): { authority: HostedAuthority; agency: string } | undefined {
    let match: { authority: HostedAuthority; agency: string } | undefined;
    for (const candidate of this.keys) {
      // Compare against every key in constant time so the response time does not reveal a key prefix.
      if (candidate.key.length === presented.length && timingSafeEqual(candidate.key, presented)) match = candidate;
    }
    return match;
  }
}
