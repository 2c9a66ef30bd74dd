// Public entry: An authority's database: its URL and name, creating and dropping it.
export { databaseUrl, instanceDatabaseName, namespaceDatabasePrefix } from './database-url';
export { dropDatabase, dropNamespaceDatabases, ensureDatabase } from './ensure-database';
