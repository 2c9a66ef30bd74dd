// Public entry: Idempotent agency writes (Idempotency-Key): the module, decorator, request transaction.
export { IDEMPOTENCY_KEY_HEADER } from './idempotency/idempotency-key';
export { idempotencyMigrations } from './idempotency/idempotency-keys.migration';
export { IdempotencyModule } from './idempotency/idempotency.module';
export { KEY_LOCK } from './idempotency/idempotent-requests';
export { IdempotentWrite } from './idempotency/idempotent-write.decorator';
export { RequestTransaction } from './idempotency/request-transaction';
