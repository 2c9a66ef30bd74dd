import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, Optional, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';

export const AGENCY_API_KEYS = Symbol('AGENCY_API_KEYS');
/** Agencies that may only read (e.g. the federal cockpit querying the transfer log); they get 403 on any change. */
export const READ_ONLY_AGENCIES = Symbol('READ_ONLY_AGENCIES');
/** Agencies that see addresses despite an information block (register-domain information-block.ts). */
export const BLOCK_EXEMPT_AGENCIES = Symbol('BLOCK_EXEMPT_AGENCIES');

export interface AuthenticatedRequest {
  method?: string;
  headers: Record<string, string | string[] | undefined>;
  /** The agency the API key belongs to, for the transfer log and the access log. */
  agency?: string;
}

/** Agencies authenticate with the API key configured for them on this instance (header `x-api-key`). */
@Injectable()
export class AgencyApiKeyGuard implements CanActivate {
  private readonly keys: Array<[agency: string, key: Buffer]>;

  constructor(
    @Inject(AGENCY_API_KEYS) apiKeys: Record<string, string>,
    @Optional() @Inject(READ_ONLY_AGENCIES) private readonly readOnlyAgencies: readonly string[] = [],
  ) {
    this.keys = Object.entries(apiKeys).map(([agency, key]) => [agency, Buffer.from(key)]);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const presented = request.headers['x-api-key'];
    if (typeof presented !== 'string' || presented.length === 0) {
      throw new UnauthorizedException('x-api-key: an agency API key is required');
    }
    const agency = this.agencyFor(Buffer.from(presented));
    if (!agency) throw new UnauthorizedException('x-api-key: unknown API key');
    if (request.method !== 'GET' && this.readOnlyAgencies.includes(agency)) {
      throw new ForbiddenException(`x-api-key: agency ${agency} may only read from this instance`);
    }
    request.agency = agency;
    return true;
  }

  private agencyFor(presented: Buffer): string | undefined {
    let match: string | undefined;
    for (const [agency, key] of this.keys) {
      // Compare against every key in constant time so the response time does not reveal a key prefix.
      if (key.length === presented.length && timingSafeEqual(key, presented)) match = agency;
    }
    return match;
  }
}
