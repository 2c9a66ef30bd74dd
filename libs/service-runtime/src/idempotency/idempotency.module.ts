import { Global, Module } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotentRequests } from './idempotent-requests';
import { RequestTransaction } from './request-transaction';

/**
 * Idempotent agency writes: `@IdempotentWrite()` on a route, `RequestTransaction.run` in its service for the write
 * transaction, and `idempotencyMigrations` in the app's database module.
 */
@Global()
@Module({
  providers: [RequestTransaction, IdempotentRequests, IdempotencyInterceptor],
  exports: [RequestTransaction, IdempotentRequests, IdempotencyInterceptor],
})
export class IdempotencyModule {}
