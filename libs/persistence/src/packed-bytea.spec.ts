import { packBytea } from './packed-bytea';

describe('packed bytea parameters', () => {
  it('packs the values one after the other, each with its 1-based start and length, a null as a null start', () => {
    const packed = packBytea([Buffer.from('abc'), null, Buffer.alloc(0), Buffer.from('de')]);
    expect(packed.bytes.toString()).toBe('abcde');
    expect(packed.starts).toEqual([1, null, 4, 4]);
    expect(packed.lengths).toEqual([3, null, 0, 2]);
  });
});
