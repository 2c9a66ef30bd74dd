// Public entry: Isolation of authorities sharing a database: acting as one, roles, row security.
export { AUTHORITY_KEY_PATTERN, currentAuthority, runAsAuthority } from './authority-context';
export { AuthorityDatabase } from './authority-database';
export { isolateByAuthority, shareByAuthority } from './authority-isolation';
export type { AuthorityTable } from './authority-isolation';
export { authorityRoleOf, ensureAuthorityRoles, quotedIdentifier } from './authority-roles';
