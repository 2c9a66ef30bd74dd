import { CanActivate, ExecutionContext, ForbiddenException, Injectable, SetMetadata, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DashboardSessions } from './dashboard-sessions';
import { DashboardRole, DashboardUser } from './dashboard-user';

const REQUIRED_ROLE = 'regsync:dashboard-required-role';

/** The role an endpoint needs beyond any dashboard role (e.g. `operator` to re-drive). */
export const RequiresRole = (role: DashboardRole) => SetMetadata(REQUIRED_ROLE, role);

type RequestWithUser = Request & { dashboardUser?: DashboardUser };

/** The person of the guarded request (DashboardSessionGuard ran before). */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): DashboardUser => context.switchToHttp().getRequest<RequestWithUser>().dashboardUser!);

/** Every dashboard API answers only a logged-in person (a session has at least one dashboard role): 401 without a session, 403 without a required role. */
@Injectable()
export class DashboardSessionGuard implements CanActivate {
  constructor(
    private readonly sessions: DashboardSessions,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RequestWithUser>();
    const user = this.sessions.userOf(request);
    if (!user) throw new UnauthorizedException('login required: no dashboard session (log in at /auth/login)');
    const required = this.reflector.getAllAndOverride<DashboardRole | undefined>(REQUIRED_ROLE, [context.getHandler(), context.getClass()]);
    if (required && !user.roles.includes(required)) throw new ForbiddenException(`role ${required} required; ${user.name} has ${user.roles.join(', ')}`);
    request.dashboardUser = user;
    return true;
  }
}
