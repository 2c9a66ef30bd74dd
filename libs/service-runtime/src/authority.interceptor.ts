import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { runAsAuthority } from '@regsync/persistence/authority-scope';
import type { AuthenticatedRequest } from './agency-api-key.guard';

/**
 * Runs an agency's request as the authority its API key belongs to (set by AgencyApiKeyGuard), so every transaction
 * of the request takes that authority's database role. Routes without the guard (health, metrics) run as none.
 */
@Injectable()
export class AuthorityInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { authority } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // Nest binds the handler to the async context in which handle() is called.
    return authority === undefined ? next.handle() : runAsAuthority(authority, () => next.handle());
  }
}
