import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus, Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { httpErrorOf } from './http-error';

/** Applies httpErrorOf to everything a controller throws (HTTP only; event handlers have their own dead-letter path). */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    const { status, body } = httpErrorOf(error);
    if (status === HttpStatus.INTERNAL_SERVER_ERROR) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    const response = host.switchToHttp().getResponse<Response>();
    // A service that is still starting (or lost its registry) asks the client to retry instead of failing it.
    if (status === HttpStatus.SERVICE_UNAVAILABLE) response.setHeader('Retry-After', '1');
    response.status(status).json(body);
  }
}

/** The same mapping for errors raised before a controller runs (body parser: too large, not JSON). */
export function httpErrorMiddleware(error: unknown, _request: Request, response: Response, next: NextFunction): void {
  if (response.headersSent) return next(error);
  const { status, body } = httpErrorOf(error);
  response.status(status).json(body);
}
