import { applyDecorators, CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiResponse, ApiSecurity } from '@nestjs/swagger';
import type { Request } from 'express';
import { RegistryError } from './registry-error';
import { authenticate, RegistryUsers } from './registry-users';

export const REGISTRY_USERS = Symbol('REGISTRY_USERS');

const WRITE_OPERATION = 'regsync:registry-write';

/** The OpenAPI security scheme of registry writes: HTTP basic, a user of BASIC_AUTH_USERS. */
export const REGISTRY_WRITER_SCHEME = 'registry-writer';
export const REGISTRY_WRITER_SECURITY = { type: 'http', scheme: 'basic', description: 'a registry writer of BASIC_AUTH_USERS; reads need no credentials' } as const;

const confluentError = (example: { error_code: number; message: string }) => ({
  'application/vnd.schemaregistry.v1+json': {
    schema: { type: 'object' as const, required: ['error_code', 'message'], properties: { error_code: { type: 'integer' as const }, message: { type: 'string' as const } } },
    example,
  },
});

/** Marks a route that changes the registry (register, delete, config, mode): it needs a credential that may write. */
export const RegistryWrite = (operation: string) =>
  applyDecorators(
    SetMetadata(WRITE_OPERATION, operation),
    ApiSecurity(REGISTRY_WRITER_SCHEME),
    ApiResponse({ status: 401, description: 'error_code 40101: no or wrong writer credentials', content: confluentError({ error_code: 40101, message: `Unauthorized: ${operation} needs the credentials of a registry writer (HTTP basic authentication)` }) }),
    ApiResponse({ status: 403, description: 'error_code 40301: a read-only user (READ_ONLY_USERS)', content: confluentError({ error_code: 40301, message: `User dashboard is denied operation ${operation}: read-only credential` }) }),
  );

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
