import { Inject, Injectable } from '@nestjs/common';
import { KeptRecord, KeptRecords } from './retention/kept-records';
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
  /** What each register keeps about the person, until when and why, by instance. */
  kept: KeptRecord[];
  /** Instances that did not answer: the view is then incomplete, and says so. */
  unreachable: { name: string; problem: string }[];
}

/**
 * The citizen's data-protection cockpit: every transfer about one IdNr across all registers, ordered by time, and what
 * each register keeps about the person until when.
 */
@Injectable()
export class TransferCockpit {
  constructor(
    private readonly transferLog: TransferLog,
    private readonly keptRecords: KeptRecords,
    @Inject(COCKPIT_PEERS) private readonly peers: readonly CockpitPeer[],
  ) {}

  async viewFor(idnr: string): Promise<CockpitView> {
    const unreachable: CockpitView['unreachable'] = [];
    const answers = await Promise.all([
      Promise.all([this.transferLog.forIdnr(idnr), this.keptRecords.forIdnr(idnr)]),
      ...this.peers.map(async (peer) => {
        try {
          return await Promise.all([peerTransfers(peer, idnr), peerKeptRecords(peer, idnr)]);
        } catch (error) {
          unreachable.push({ name: peer.name, problem: (error as Error).message });
          return [[], []] as const;
        }
      }),
    ]);
    const transfers = answers.flatMap(([own]) => own).sort((a, b) => a.transferredAt.localeCompare(b.transferredAt) || a.eventId.localeCompare(b.eventId));
    const kept = answers.flatMap(([, records]) => records);
    return { idnr, transfers, kept, unreachable };
  }
}

async function peerTransfers(peer: CockpitPeer, idnr: string): Promise<TransferView[]> {
  return (await peerAnswer<{ transfers: TransferView[] }>(peer, `/transfers?idnr=${encodeURIComponent(idnr)}`)).transfers;
}

async function peerKeptRecords(peer: CockpitPeer, idnr: string): Promise<KeptRecord[]> {
  return (await peerAnswer<{ kept: KeptRecord[] }>(peer, `/retention?idnr=${encodeURIComponent(idnr)}`)).kept;
}

async function peerAnswer<T>(peer: CockpitPeer, path: string): Promise<T> {
  const response = await fetch(`${peer.baseUrl}${path}`, { headers: { 'x-api-key': peer.apiKey }, signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${path.split('?')[0]} answered ${response.status}`);
  return (await response.json()) as T;
}
