// Public entry: An agency's HTTP API: authentication, hosted authorities, request fields, errors, bodies.
export { AgencyApiKeyGuard, HOSTED_AUTHORITIES } from './agency-api-key.guard';
export type { AuthenticatedRequest } from './agency-api-key.guard';
export { AgencyAuthModule } from './agency-auth.module';
export { actingAgencyKeysOf, hostedAuthoritiesJson, hostedAuthoritiesOf } from './hosted-authorities';
export type { HostedAuthority } from './hosted-authorities';
export { CorrelationId } from './correlation-id.decorator';
export { httpErrorOf } from './http-error';
export { HttpErrorFilter } from './http-error.filter';
export { openApiSchemaOf, ZodBodyPipe } from './zod-body.pipe';
export { agsField, domainRules, idnrField, idnrParams, parcelIdField, pastDateField, personNameField, postalAddressField, sexField, textField } from './request-fields';
