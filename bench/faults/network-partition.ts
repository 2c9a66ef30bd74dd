import { dropTcpPackets } from '@regsync/messaging-testing/tcp-blackhole';

/** The user the partitioned service runs as: iptables tells its packets from everyone else's by the socket's owner. */
export const PARTITIONED_USER = { uid: 65_534, gid: 65_534 };

/**
 * Cuts every TCP connection of the processes running as PARTITIONED_USER to `port` on this machine (a broker,
 * PostgreSQL): their packets are dropped on the way out, as in a real network partition; new connections time out too.
 */
export function partitionFrom(port: number): { heal(): void } {
  return dropTcpPackets('OUTPUT', [['-m', 'owner', '--uid-owner', String(PARTITIONED_USER.uid), '-p', 'tcp', '--dport', String(port)]]);
}
