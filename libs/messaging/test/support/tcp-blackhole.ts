import { execFileSync } from 'node:child_process';

const IPTABLES = '/usr/sbin/iptables';

/**
 * Drops the packets `rules` match in `chain`, as a dead host or a cut cable would: neither side gets a FIN or an RST
 * and only timeouts can tell. Needs root and iptables (Debian's `iptables`, installed by tools/ensure-debian-tools.mjs).
 * `heal()` removes the rules; call it in a finally.
 */
export function dropTcpPackets(chain: 'INPUT' | 'OUTPUT', rules: string[][]): { heal(): void } {
  const iptables = (action: '-I' | '-D', rule: string[]) => execFileSync(IPTABLES, ['-w', action, chain, ...rule, '-j', 'DROP'], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    for (const rule of rules) iptables('-I', rule);
  } catch (error) {
    throw new Error(`dropping packets needs root and ${IPTABLES} (apt-get install iptables): ${(error as Error).message}`);
  }
  let healed = false;
  return {
    heal() {
      if (healed) return;
      healed = true;
      for (const rule of rules) iptables('-D', rule);
    },
  };
}

/** Makes one TCP connection on this machine vanish: its packets are dropped in both directions. */
export function blackholeTcpConnection(clientPort: number, serverPort: number): { heal(): void } {
  return dropTcpPackets('INPUT', [
    ['-p', 'tcp', '--sport', String(clientPort), '--dport', String(serverPort)],
    ['-p', 'tcp', '--sport', String(serverPort), '--dport', String(clientPort)],
  ]);
}
