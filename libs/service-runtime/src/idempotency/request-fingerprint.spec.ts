import fc from 'fast-check';
import { requestFingerprint } from './request-fingerprint';

/** The same JSON value with its object keys in reverse order: another serialisation of the same body. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([key, member]) => [key, reordered(member)]));
  return value;
}

describe('the fingerprint of a keyed request', () => {
  it('is the same for the same body in any key order', () => {
    fc.assert(fc.property(fc.jsonValue(), (body) => expect(requestFingerprint('POST', '/births', reordered(body))).toBe(requestFingerprint('POST', '/births', body))));
  });

  it('differs when a field, the path or the method differs', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), fc.string(), (body, field, value) => {
        fc.pre(body[field] !== value);
        expect(requestFingerprint('POST', '/births', { ...body, [field]: value })).not.toBe(requestFingerprint('POST', '/births', body));
      }),
    );
    expect(requestFingerprint('POST', '/deaths', {})).not.toBe(requestFingerprint('POST', '/births', {}));
    expect(requestFingerprint('PUT', '/births', {})).not.toBe(requestFingerprint('POST', '/births', {}));
  });
});
