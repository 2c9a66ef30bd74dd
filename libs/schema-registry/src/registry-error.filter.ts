import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger, MethodNotAllowedException, NotFoundException } from '@nestjs/common';
import type { ErrorRequestHandler, Request, Response } from 'express';
import { RegistryError } from './registry-error';

export interface ConfluentErrorAnswer {
  status: number;
  body: { error_code: number; message: string };
  headers?: Record<string, string>;
}

const logger = new Logger('schema-registry');

/**
 * Every failure as Confluent answers it, so standard clients understand it: registry errors with their codes, and, like
 * Confluent's REST layer, anything else with the HTTP status as `error_code` (unknown path 404, wrong method 405,
 * malformed JSON 400, oversize body 413).
 */
export function confluentErrorOf(error: unknown): ConfluentErrorAnswer {
  if (error instanceof RegistryError) {
    const headers = error.status === HttpStatus.UNAUTHORIZED ? { 'WWW-Authenticate': 'Basic realm="schema-registry", charset="UTF-8"' } : undefined;
    return { status: error.status, body: { error_code: error.errorCode, message: error.message }, headers };
  }
  const bodyParserError = error as { type?: string; status?: number; message?: string } | null;
  if (bodyParserError?.type === 'entity.parse.failed') return plain(HttpStatus.BAD_REQUEST, `Malformed JSON: ${bodyParserError.message}`);
  if (bodyParserError?.type === 'entity.too.large') return plain(HttpStatus.PAYLOAD_TOO_LARGE, 'Request body too large');
  if (error instanceof HttpException) return plain(error.getStatus(), `HTTP ${error.getStatus()} ${httpReason(error)}`);
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return { status: 500, body: { error_code: 50001, message: 'Error in the backend data store' } };
}

function plain(status: number, message: string): ConfluentErrorAnswer {
  return { status, body: { error_code: status, message } };
}

function httpReason(error: HttpException): string {
  const response = error.getResponse();
  return typeof response === 'object' && response !== null && 'error' in response ? String(response.error) : error.message;
}

/** Applies confluentErrorOf to everything a registry route throws. */
@Catch()
export class RegistryErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const wrongMethod = error instanceof NotFoundException && otherMethodsOf(request).length > 0;
    sendConfluentError(http.getResponse<Response>(), wrongMethod ? new MethodNotAllowedException() : error);
  }
}

interface RouteLayer {
  route?: { _handlesMethod(method: string): boolean };
  match(path: string): boolean;
}

/** Express answers a known path with an unrouted method 404; Confluent (JAX-RS) answers 405, so this finds that case. */
function otherMethodsOf(request: Request): RouteLayer[] {
  const stack = (request.app as unknown as { router?: { stack?: RouteLayer[] } }).router?.stack ?? [];
  return stack.filter((layer) => layer.route && layer.match(request.path) && !layer.route._handlesMethod(request.method));
}

export function sendConfluentError(response: Response, error: unknown): void {
  const { status, body, headers } = confluentErrorOf(error);
  if (headers) response.set(headers);
  response.status(status).json(body);
}

/** The same answers for errors raised before a route runs (body parser: malformed JSON, too large). */
export const confluentErrorMiddleware: ErrorRequestHandler = (error, _request, response, next) => {
  if (response.headersSent) return next(error);
  sendConfluentError(response, error);
};
