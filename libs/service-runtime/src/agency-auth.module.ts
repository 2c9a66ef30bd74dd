import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AgencyApiKeyGuard, HOSTED_AUTHORITIES } from './agency-api-key.guard';
import { AuthorityInterceptor } from './authority.interceptor';
import type { HostedAuthority } from './hosted-authorities';

/**
 * Makes the hosted authorities' agency keys and the guard available to every controller (`@UseGuards(AgencyApiKeyGuard)`),
 * and runs every authenticated request as its agency's authority.
 */
@Module({})
export class AgencyAuthModule {
  static forRoot(authorities: readonly HostedAuthority[]): DynamicModule {
    return {
      module: AgencyAuthModule,
      global: true,
      providers: [{ provide: HOSTED_AUTHORITIES, useValue: authorities }, AgencyApiKeyGuard, { provide: APP_INTERCEPTOR, useClass: AuthorityInterceptor }],
      exports: [HOSTED_AUTHORITIES, AgencyApiKeyGuard],
    };
  }
}
