// Public entry: What the schema registry and its clients share: schema parsing, compatibility, connection, AsyncAPI.
export { InvalidAvroSchemaError, parseAvroSchemaText } from './avro-schema';
export type { AvroSchemaJson, ParsedAvroSchema } from './avro-schema';
export { checkCompatibility, COMPATIBILITY_LEVELS } from './avro-compatibility';
export type { CompatibilityLevel } from './avro-compatibility';
export { basicAuthorization, basicAuthUsersOf, newRegistryCredential, registryUrlWithCredential, schemaRegistryConnectionOf, schemaRegistryUrlProblem } from './schema-registry-connection';
export type { RegistryCredential } from './schema-registry-connection';
export { asyncApiDocumentOf } from './asyncapi-document';
