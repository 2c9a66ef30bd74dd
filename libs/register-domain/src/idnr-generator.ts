import { randomInt } from 'node:crypto';
import { idnrCheckDigit, idnrViolation } from './idnr';

/** Returns an integer in [0, maxExclusive). Injectable so tests can make generation deterministic. */
export type RandomInt = (maxExclusive: number) => number;

/**
 * A random, valid IdNr. Uniqueness is not checked here: the federal register holds a unique constraint
 * and retries on conflict (§ 139b Abs. 1 AO: every IdNr is assigned only once).
 */
export function generateIdnr(random: RandomInt = randomInt): string {
  for (;;) {
    const first10 = candidateDigits(random);
    const idnr = first10 + String(idnrCheckDigit(first10));
    // The one rule decides; candidates with a leading 0 or three adjacent repeats are drawn again.
    if (idnrViolation(idnr) === undefined) return idnr;
  }
}

/** Ten digits in which one digit occurs twice or three times and every other digit at most once. */
function candidateDigits(random: RandomInt): string {
  const pool = shuffle(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], random);
  const repeated = pool[0];
  const occurrences = 2 + random(2);
  const digits = [...Array<string>(occurrences).fill(repeated), ...pool.slice(1, 11 - occurrences)];
  return shuffle(digits, random).join('');
}

function shuffle<T>(items: T[], random: RandomInt): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
