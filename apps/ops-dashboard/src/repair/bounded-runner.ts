/**
 * Runs `work` on every item with at most `concurrency` at a time, in item order of start; stops taking new items once
 * `stopped()` says so (those running finish). A failing item does not stop the others: `work` reports its own errors.
 */
export async function runBounded<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>, stopped: () => boolean = () => false): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && !stopped()) {
      const item = items[next++];
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
}

/** `items` in consecutive chunks of at most `size`. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
