/** Injection token for the WatchedInstance[] loaded from TOPOLOGY. */
export const WATCHED_INSTANCES = Symbol('WATCHED_INSTANCES');
