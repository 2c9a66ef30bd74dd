import { dashboardRolesOf } from './dashboard-user';

describe('dashboardRolesOf', () => {
  it('reads the roles of a top-level claim and ignores roles the dashboard does not know', () => {
    expect(dashboardRolesOf({ roles: ['operator', 'offline_access', 'viewer'] }, 'roles')).toEqual(['viewer', 'operator']);
  });

  it('follows a dotted path into a nested claim, as Keycloak puts realm roles', () => {
    expect(dashboardRolesOf({ realm_access: { roles: ['data-viewer'] } }, 'realm_access.roles')).toEqual(['data-viewer']);
  });

  it('gives no role when the claim is missing or not a list of names', () => {
    expect(dashboardRolesOf({}, 'roles')).toEqual([]);
    expect(dashboardRolesOf({ roles: { operator: true } }, 'roles')).toEqual([]);
  });

  it('accepts a space-separated string claim', () => {
    expect(dashboardRolesOf({ groups: 'viewer operator' }, 'groups')).toEqual(['viewer', 'operator']);
  });
});
