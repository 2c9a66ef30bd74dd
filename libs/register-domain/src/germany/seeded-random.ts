import type { RandomInt } from '../idnr-generator';

/** A uniform draw in [0, 1). */
export type RandomFraction = () => number;

/**
 * A deterministic pseudo-random stream (mulberry32, 32-bit state): the same seed gives the same topology and the same
 * population sample on every run and machine. Not for secrets; node:crypto is not seedable.
 */
export function seededRandom(seed: number): RandomFraction {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The same stream as integers in [0, maxExclusive), e.g. for generateIdnr. */
export function seededRandomInt(seed: number): RandomInt {
  const random = seededRandom(seed);
  return (maxExclusive) => Math.floor(random() * maxExclusive);
}
