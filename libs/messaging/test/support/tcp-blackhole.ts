import { execFileSync } from 'node:child_process';

const IPTABLES = '/usr/sbin/iptables';

/**
 * Makes one TCP connection on this machine vanish as a dead host's would: iptables drops its packets in both
 * directions, so neither side gets a FIN or an RST and only timeouts can tell. Needs root and iptables (Debian's
 * `iptables`, installed by tools/ensure-debian-tools.mjs). `heal()` removes the rules; call it in a finally.
 */
export function blackholeTcpConnection(clientPort: number, serverPort: number): { heal(): void } {
  const rules = [
    ['-p', 'tcp', '--sport', String(clientPort), '--dport', String(serverPort), '-j', 'DROP'],
    ['-p', 'tcp', '--sport', String(serverPort), '--dport', String(clientPort), '-j', 'DROP'],
  ];
  const iptables = (action: '-I' | '-D', rule: string[]) => execFileSync(IPTABLES, ['-w', action, 'INPUT', ...rule], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    for (const rule of rules) iptables('-I', rule);
  } catch (error) {
    throw new Error(`blackholeTcpConnection needs root and ${IPTABLES} (apt-get install iptables): ${(error as Error).message}`);
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
