/** viewer: health, lag, throughput, counts; data-viewer: decoded personal data too; operator: may re-drive. */
export const DASHBOARD_ROLES = ['viewer', 'data-viewer', 'operator'] as const;
export type DashboardRole = (typeof DASHBOARD_ROLES)[number];

/** A person logged in through the OIDC provider, as the ID token names them. */
export interface DashboardUser {
  subject: string;
  name: string;
  roles: DashboardRole[];
}

/** The dashboard roles among the values of `claimPath` (e.g. `roles`, `groups`, `realm_access.roles`) of the ID token. */
export function dashboardRolesOf(claims: Record<string, unknown>, claimPath: string): DashboardRole[] {
  const value = claimPath.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), claims);
  const values = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  return DASHBOARD_ROLES.filter((role) => values.includes(role));
}

export function maySeePersonalData(user: DashboardUser): boolean {
  return user.roles.includes('data-viewer');
}
