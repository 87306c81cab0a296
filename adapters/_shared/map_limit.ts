/**
 * Running a call over many items a few at a time: fetching every file of a diff at once would
 * open as many connections as the diff has files.
 * @module
 */

/**
 * `fn` over `items`, at most `limit` at a time, results in the order of `items`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mapLimit } from "./map_limit.ts";
 *
 * let running = 0;
 * let most = 0;
 * const doubled = await mapLimit([1, 2, 3, 4, 5], 2, async (n) => {
 *   most = Math.max(most, ++running);
 *   await new Promise((r) => setTimeout(r, 1));
 *   running--;
 *   return n * 2;
 * });
 * assert.deepEqual(doubled, [2, 4, 6, 8, 10]);
 * assert.equal(most, 2);
 * ```
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
