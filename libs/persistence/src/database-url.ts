/** The same server as `serverUrl`, but the database `databaseName`. */
export function databaseUrl(serverUrl: string, databaseName: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName}`;
  return url.toString();
}

/** One database per service instance, e.g. `regsync_municipal_03404000` (`regsync_e2e1_municipal_03404000` in namespace e2e1). */
export function instanceDatabaseName(service: string, instanceKey?: string, namespace?: string): string {
  return databaseNameOf(['regsync', namespace, service, instanceKey]);
}

/** What the name of every instance database of `namespace` starts with, e.g. `regsync_e2e1_`. */
export function namespaceDatabasePrefix(namespace: string): string {
  return `${databaseNameOf(['regsync', namespace])}_`;
}

function databaseNameOf(parts: (string | undefined)[]): string {
  return parts.filter(Boolean).join('_').replace(/[^a-z0-9_]/gi, '_').toLowerCase();
}
