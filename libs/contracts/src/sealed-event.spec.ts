import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { open, seal, SealedEvent } from './sealed-event';
import { sampleEvent } from './sample-events';

const subjectKey = () => ({ id: randomUUID(), key: randomBytes(32) });

describe('sealed events', () => {
  const envelope = sampleEvent('ResidenceRegistered').envelope;

  it('opens with the key it was sealed with, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2_000 }), (bytes) => {
        const key = subjectKey();
        const sealed: SealedEvent = { envelope, ...seal(Buffer.from(bytes), envelope, key) };
        expect(open(sealed, key.key).equals(Buffer.from(bytes))).toBe(true);
      }),
    );
  });

  it('does not carry the clear text and adds 28 bytes (nonce and tag)', () => {
    const text = Buffer.from('Schmidt, Anna, Lange Straße 1, 36574261809');
    const sealed = seal(text, envelope, subjectKey());
    expect(sealed.ciphertext.includes('Schmidt')).toBe(false);
    expect(sealed.nonce.length + sealed.ciphertext.length - text.length).toBe(28);
  });

  it('refuses another key, another envelope and changed bytes', () => {
    const key = subjectKey();
    const sealed: SealedEvent = { envelope, ...seal(Buffer.from('event'), envelope, key) };
    expect(() => open(sealed, randomBytes(32))).toThrow();
    expect(() => open({ ...sealed, envelope: { ...envelope, eventId: randomUUID() } }, key.key)).toThrow();
    expect(() => open({ ...sealed, envelope: { ...envelope, subject: { ...envelope.subject, id: '12345678995' } } }, key.key)).toThrow();
    expect(() => open({ ...sealed, keyId: randomUUID() }, key.key)).toThrow();
    const changed = Buffer.from(sealed.ciphertext);
    changed[0] ^= 1;
    expect(() => open({ ...sealed, ciphertext: changed }, key.key)).toThrow();
  });

  it('opens after the outbox wrote the subject version into the clear envelope', () => {
    const key = subjectKey();
    const sealed: SealedEvent = { envelope: { ...envelope, subjectVersion: 0 }, ...seal(Buffer.from('event'), { ...envelope, subjectVersion: 0 }, key) };
    expect(open({ ...sealed, envelope: { ...envelope, subjectVersion: 4_294_967_303 } }, key.key).toString()).toBe('event');
  });
});
