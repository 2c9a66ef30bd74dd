import { Inject, Injectable } from '@nestjs/common';
import { TransferLog, TransferView } from './transfer-log';

/** Another instance whose transfer log the cockpit reads, with the read-only key it holds there. */
export interface CockpitPeer {
  name: string;
  baseUrl: string;
  apiKey: string;
}

export const COCKPIT_PEERS = Symbol('COCKPIT_PEERS');

export interface CockpitView {
  idnr: string;
  transfers: TransferView[];
  /** Instances that did not answer: the view is then incomplete, and says so. */
  unreachable: { name: string; problem: string }[];
}

/** The citizen's data-protection cockpit: every transfer about one IdNr across all registers, ordered by time. */
@Injectable()
export class TransferCockpit {
  constructor(
    private readonly transferLog: TransferLog,
    @Inject(COCKPIT_PEERS) private readonly peers: readonly CockpitPeer[],
  ) {}

  async viewFor(idnr: string): Promise<CockpitView> {
    const unreachable: CockpitView['unreachable'] = [];
    const answers = await Promise.all([
      this.transferLog.forIdnr(idnr),
      ...this.peers.map(async (peer) => {
        try {
          return await peerTransfers(peer, idnr);
        } catch (error) {
          unreachable.push({ name: peer.name, problem: (error as Error).message });
          return [];
        }
      }),
    ]);
    const transfers = answers.flat().sort((a, b) => a.transferredAt.localeCompare(b.transferredAt) || a.eventId.localeCompare(b.eventId));
    return { idnr, transfers, unreachable };
  }
}

async function peerTransfers(peer: CockpitPeer, idnr: string): Promise<TransferView[]> {
  const response = await fetch(`${peer.baseUrl}/transfers?idnr=${encodeURIComponent(idnr)}`, { headers: { 'x-api-key': peer.apiKey }, signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`answered ${response.status}`);
  return ((await response.json()) as { transfers: TransferView[] }).transfers;
}
