import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { RegistryError } from './registry-error';

/** Maps every failure of a registry route to Confluent's error body, so standard clients understand it. */
@Catch()
export class RegistryErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('schema-registry');

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toConfluent(error);
    response.status(status).json(body);
  }

  private toConfluent(error: unknown): { status: number; body: { error_code: number; message: string } } {
    if (error instanceof RegistryError) return { status: error.status, body: { error_code: error.errorCode, message: error.message } };
    if (error instanceof HttpException) return { status: error.getStatus(), body: { error_code: error.getStatus(), message: error.message } };
    this.logger.error(error);
    return { status: 500, body: { error_code: 50001, message: 'Error in the backend data store' } };
  }
}
