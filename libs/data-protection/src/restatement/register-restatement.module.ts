import { DynamicModule, Module } from '@nestjs/common';
import { OPS_API_KEYS, OpsApiKeyGuard } from '@regsync/observability/ops-api-key.guard';
import { REGISTER_RESTATEMENTS, RegisterRestatement, RegisterRestatements } from './register-restatement';
import { RegisterRestatementController } from './register-restatement.controller';

export interface RegisterRestatementOptions {
  /** Data sets this instance is authoritative for and restates on request. */
  restatements: RegisterRestatement[];
  /** agency → API key allowed to ask (the same ops keys as GET /ops/registers). */
  opsApiKeys: Record<string, string>;
}

/** POST /ops/registers/:dataset/restatements, the authoritative register's side of a drift repair. */
@Module({})
export class RegisterRestatementModule {
  static forRoot(options: RegisterRestatementOptions): DynamicModule {
    if (Object.keys(options.opsApiKeys).length === 0) throw new Error('restatements: need opsApiKeys (the endpoint names subjects)');
    return {
      module: RegisterRestatementModule,
      controllers: [RegisterRestatementController],
      providers: [{ provide: REGISTER_RESTATEMENTS, useValue: options.restatements }, { provide: OPS_API_KEYS, useValue: options.opsApiKeys }, OpsApiKeyGuard, RegisterRestatements],
    };
  }
}
