/** The same server as `serverUrl`, but the database `databaseName`. */
export function databaseUrl(serverUrl: string, databaseName: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${databaseName}`;
  return url.toString();
}

/** One database per service instance, e.g. `regsync_municipal_03404000` (`regsync_e2e1_municipal_03404000` in namespace e2e1). */
export function instanceDatabaseName(service: string, instanceKey?: string, namespace?: string): string {
  const name = ['regsync', namespace, service, instanceKey].filter(Boolean).join('_');
  return name.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
}
