import { randomBytes, randomUUID } from 'node:crypto';
import { sampleEvent } from '@regsync/contracts/sample-events';
import { KeyWrapping } from '@regsync/messaging/crypto-shredding';
import { runAsAuthority } from '@regsync/persistence/authority-scope';
import type { RegisterAddress } from '@regsync/register-domain/authorities';
import { ChunkDeliveryKeys } from './delivery-keys';

const dresden: RegisterAddress = { level: 'MUNICIPAL', instanceKey: '14612000', register: 'GRUNDSTEUER' };
const leipzig: RegisterAddress = { level: 'MUNICIPAL', instanceKey: '14713000', register: 'GRUNDSTEUER' };
const cadastre: RegisterAddress = { level: 'STATE', instanceKey: '14', register: 'LIEGENSCHAFTSKATASTER' };
const secret = randomBytes(32);

/** The router's keys of one chunk, the cadastre sending `events` sealed with the given sender key ids, in order. */
function route(keys: ChunkDeliveryKeys, sent: readonly { senderKeyId: string; parcelId?: string }[]) {
  return runAsAuthority('main', () =>
    sent.map(({ senderKeyId, parcelId }) => {
      const event = sampleEvent('ParcelRestated', { source: cadastre }, parcelId ? { parcelId } : {});
      return [dresden, leipzig].map((recipient) => keys.keyFor(recipient, `deliveries.${recipient.instanceKey}`, event, senderKeyId).id);
    }),
  );
}

describe("the router's delivery keys of a chunk", () => {
  it('keep one key per recipient and subject while the sender seals with the same key', () => {
    const keys = newChunk();
    const senderKeyId = randomUUID();
    const [first, second] = route(keys, [{ senderKeyId }, { senderKeyId }]);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(2);
    expect(keys.withdrawn).toEqual([]);
  });

  it("withdraw every recipient's key of a subject its sender re-keyed, and give each a new one; other subjects keep theirs", () => {
    const keys = newChunk();
    const [before, otherBefore, after, otherAfter] = route(keys, [
      { senderKeyId: 'sender-key-1' },
      { senderKeyId: 'sender-key-3', parcelId: '14612300100099______' },
      { senderKeyId: 'sender-key-2' },
      { senderKeyId: 'sender-key-3', parcelId: '14612300100099______' },
    ]);
    expect(keys.withdrawn.map(({ keyId }) => keyId).sort()).toEqual([...before].sort());
    expect(keys.withdrawn.map(({ dataTopic }) => dataTopic).sort()).toEqual(['deliveries.14612000', 'deliveries.14713000']);
    expect(after.filter((keyId) => before.includes(keyId))).toEqual([]);
    expect(otherAfter).toEqual(otherBefore);
  });
});

describe("the state records a sender's re-key ends", () => {
  it("end the state of every recipient whose key was withdrawn and that got no delivery of the subject afterwards; a recipient the restatement reached keeps its (rewritten) state", () => {
    const keys = newChunk();
    const [[dresdenBefore]] = route(keys, [{ senderKeyId: 'sender-key-1' }]);
    runAsAuthority('main', () => keys.keyFor(dresden, 'deliveries.14612000', sampleEvent('ParcelRestated', { source: cadastre }, {}), 'sender-key-2'));
    expect(keys.statesEndedByWithdrawal()).toEqual([{ recipient: { level: 'MUNICIPAL', instanceKey: '14713000' }, subject: expect.objectContaining({ kind: 'PARCEL' }), eventId: expect.any(String) }]);
    expect(keys.withdrawn.map(({ keyId }) => keyId)).toContain(dresdenBefore);
  });

  it('end none while the sender keeps its key', () => {
    const keys = newChunk();
    route(keys, [{ senderKeyId: 'sender-key-1' }, { senderKeyId: 'sender-key-1' }]);
    expect(keys.statesEndedByWithdrawal()).toEqual([]);
  });
});

function newChunk(): ChunkDeliveryKeys {
  return new ChunkDeliveryKeys([], new KeyWrapping(secret));
}
