// Public entry: An authority's database: its URL and name, creating and dropping it, and many rows' bytes as one parameter.
export { databaseUrl, instanceDatabaseName, namespaceDatabasePrefix } from './database-url';
export { dropDatabase, dropNamespaceDatabases, ensureDatabase } from './ensure-database';
export { packBytea } from './packed-bytea';
