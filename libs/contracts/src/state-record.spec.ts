import { decodeStateRecord, encodeStateRecord } from './state-record';

const subject = { kind: 'PERSON', id: '36574261809' } as const;
const deliveries = [
  { headers: { 'regsync-event-id': 'a1', 'regsync-event-type': 'ResidenceRegistered' }, value: Buffer.from([0, 0, 0, 0, 7, 1, 2, 3]) },
  { headers: { 'regsync-event-id': 'b2', 'regsync-note': 'Müller-Lüdenscheidt' }, value: Buffer.alloc(0) },
];

describe('state records', () => {
  it('decodes what it encodes: the subject and every delivery, in order, headers and bytes as sent', () => {
    const bytes = encodeStateRecord(subject, deliveries.map(({ headers, value }) => ({ headersJson: JSON.stringify(headers), value })));
    expect(decodeStateRecord(bytes)).toEqual({ subject, deliveries });
  });

  it('carries the bytes as they are, not in base64', () => {
    const value = Buffer.alloc(3000, 0xab);
    expect(encodeStateRecord(subject, [{ headersJson: '{}', value }]).length).toBeLessThan(3100);
  });

  it('still reads the JSON records written before the binary format', () => {
    const json = Buffer.from(JSON.stringify({ subject, deliveries: deliveries.map(({ headers, value }) => ({ headers, value: value.toString('base64') })) }));
    expect(decodeStateRecord(json)).toEqual({ subject, deliveries });
  });
});
