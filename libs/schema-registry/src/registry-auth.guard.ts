import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { RegistryError } from './registry-error';
import { authenticate, RegistryUsers } from './registry-users';

export const REGISTRY_USERS = Symbol('REGISTRY_USERS');

const WRITE_OPERATION = 'regsync:registry-write';

/** Marks a route that changes the registry (register, delete, config, mode): it needs a credential that may write. */
export const RegistryWrite = (operation: string) => SetMetadata(WRITE_OPERATION, operation);

/**
 * Reads stay open; a write needs HTTP basic credentials of a user that may write (401 without or with wrong ones,
 * 403 for a read-only user). Wrong credentials are refused on reads too, so a misconfigured client learns of it.
 */
@Injectable()
export class RegistryAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(REGISTRY_USERS) private readonly users: RegistryUsers,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const operation = this.reflector.get<string | undefined>(WRITE_OPERATION, context.getHandler());
    const request = context.switchToHttp().getRequest<Request>();
    const authentication = authenticate(this.users, request.headers.authorization);
    if (authentication.kind === 'invalid') throw RegistryError.unauthorized(authentication.reason);
    if (!operation) return true;
    if (authentication.kind === 'anonymous') throw RegistryError.unauthorized(`${operation} needs the credentials of a registry writer (HTTP basic authentication)`);
    if (!authentication.mayWrite) throw RegistryError.forbidden(authentication.username, operation);
    return true;
  }
}
