/**
 * Splits `total` whole units in proportion to `weights` (largest-remainder method): the parts are integers, sum to
 * `total` exactly, and each is the floor or ceiling of its exact share. Ties in the remainder go to the earlier weight.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`apportion: total ${total} must be a whole number >= 0`);
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  if (weights.length === 0 || !(weightSum > 0) || weights.some((weight) => !(weight >= 0))) {
    throw new RangeError('apportion: needs at least one weight, all >= 0, with a positive sum');
  }
  const quotas = weights.map((weight) => (total * weight) / weightSum);
  const parts = quotas.map(Math.floor);
  const leftOver = total - parts.reduce((sum, part) => sum + part, 0);
  const byRemainder = quotas.map((quota, index) => ({ index, remainder: quota - Math.floor(quota) })).sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (let i = 0; i < leftOver; i++) parts[byRemainder[i].index] += 1;
  return parts;
}
