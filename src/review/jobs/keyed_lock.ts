/**
 * A lock per key inside one process: runs for one key one at a time, in the order they asked,
 * while runs for other keys go on. The publish job takes one per pull request, so two reviews of
 * the same pull request (an older head's publish still posting while a newer one's starts) never
 * read Loom's comments at the same time and both post the finding neither saw.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keyedLock } from "./keyed_lock.ts";
 *
 * const lock = keyedLock();
 * const order: string[] = [];
 * const slow = lock("pr#1", async () => {
 *   order.push("a starts");
 *   await new Promise((r) => setTimeout(r, 10));
 *   order.push("a ends");
 * });
 * const next = lock("pr#1", () => Promise.resolve(order.push("b runs")));
 * const other = lock("pr#2", () => Promise.resolve(order.push("c runs")));
 * await Promise.all([slow, next, other]);
 * assert.deepEqual(order, ["a starts", "c runs", "a ends", "b runs"]);
 * ```
 * @module
 */

/** Runs `fn` once every earlier run for `key` has ended (resolved or rejected). */
export type KeyedLock = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

/** A new, empty set of locks. */
export function keyedLock(): KeyedLock {
  const tails = new Map<string, Promise<void>>();
  return async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    let release = () => {};
    const tail = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
    tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      // The last in line leaves no entry behind.
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
