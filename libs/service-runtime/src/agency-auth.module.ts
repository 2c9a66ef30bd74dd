import { DynamicModule, Module } from '@nestjs/common';
import { AGENCY_API_KEYS, AgencyApiKeyGuard, BLOCK_EXEMPT_AGENCIES, READ_ONLY_AGENCIES } from './agency-api-key.guard';

/** Makes the instance's agency keys and the guard available to every controller (`@UseGuards(AgencyApiKeyGuard)`). */
@Module({})
export class AgencyAuthModule {
  static forRoot(apiKeys: Record<string, string>, readOnlyAgencies: readonly string[] = [], blockExemptAgencies: readonly string[] = []): DynamicModule {
    return {
      module: AgencyAuthModule,
      global: true,
      providers: [
        { provide: AGENCY_API_KEYS, useValue: apiKeys },
        { provide: READ_ONLY_AGENCIES, useValue: readOnlyAgencies },
        { provide: BLOCK_EXEMPT_AGENCIES, useValue: blockExemptAgencies },
        AgencyApiKeyGuard,
      ],
      exports: [AGENCY_API_KEYS, READ_ONLY_AGENCIES, BLOCK_EXEMPT_AGENCIES, AgencyApiKeyGuard],
    };
  }
}
