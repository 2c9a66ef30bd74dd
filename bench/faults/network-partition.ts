import { execFileSync } from 'node:child_process';

/** The user the partitioned service runs as: iptables tells its packets from everyone else's by the socket's owner. */
export const PARTITIONED_USER = { uid: 65_534, gid: 65_534 };

/**
 * Cuts every TCP connection of the processes running as PARTITIONED_USER to `port` on this machine (a broker,
 * PostgreSQL): their packets are dropped on the way out, so neither side gets a FIN or an RST, as in a real network
 * partition; new connections time out too. `heal()` removes the rule. Needs root and iptables.
 */
export function partitionFrom(port: number): { heal(): void } {
  const rule = ['OUTPUT', '-m', 'owner', '--uid-owner', String(PARTITIONED_USER.uid), '-p', 'tcp', '--dport', String(port), '-j', 'DROP'];
  execFileSync('iptables', ['-w', '-I', ...rule], { stdio: ['ignore', 'ignore', 'pipe'] });
  let healed = false;
  return {
    heal() {
      if (healed) return;
      healed = true;
      execFileSync('iptables', ['-w', '-D', ...rule], { stdio: ['ignore', 'ignore', 'pipe'] });
    },
  };
}
