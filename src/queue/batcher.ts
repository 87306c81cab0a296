/**
 * Group commit: items added while a flush is in flight go out together in the next one. Under
 * load this turns a thousand enqueues or completions into a handful of statements; when idle, a
 * single item still flushes at once, adding no latency. Each caller's promise settles only after
 * the flush holding its item has committed, so batching never weakens durability.
 *
 * On SQLite a flush runs on the calling thread and is done before any other request runs, so
 * nothing is ever "in flight" to join: with `gather`, the first item waits for the end of the
 * event loop's current turn (`setImmediate`, a few microseconds), and the deliveries whose bytes
 * arrived in the same turn share its commit. A lone delivery pays those microseconds; a burst of
 * sixty pays a few commits instead of sixty.
 * @module
 */
import { setImmediate } from "node:timers";

/** See the module doc. */
export interface Batcher<T, R> {
  /** Adds an item; resolves with its result once the flush containing it has finished. */
  add(item: T): Promise<R>;
  /** Resolves when nothing is pending or in flight. */
  drain(): Promise<void>;
}

/** Options of {@link createBatcher}. */
export interface BatcherOptions {
  /** Items per flush at most; default 500. */
  maxBatch?: number;
  /** Start a flush at the end of the event loop's turn rather than at once (see the module doc). */
  gather?: boolean;
  /**
   * Gathering stops at this many items, flushing them at once: in a long turn (a burst of
   * sixty deliveries) the first ones then commit and are answered without waiting for the last.
   * Default 16.
   */
  gatherMax?: number;
}

/**
 * Creates a {@link Batcher}: `flush` gets up to `maxBatch` items at a time, one flush at a time,
 * and returns one result per item, in order.
 *
 * @example
 * ```ts
 * import { createBatcher } from "./batcher.ts";
 * import assert from "node:assert/strict";
 *
 * const flushed: number[][] = [];
 * const batcher = createBatcher(async (items: number[]) => {
 *   flushed.push(items);
 *   return items.map((n) => n * 2);
 * }, { gather: true });
 * // Added in one turn of the event loop: one flush.
 * assert.deepEqual(await Promise.all([batcher.add(1), batcher.add(2), batcher.add(3)]), [2, 4, 6]);
 * assert.deepEqual(flushed, [[1, 2, 3]]);
 * ```
 */
export function createBatcher<T, R = void>(
  flush: (items: T[]) => Promise<R[]>,
  options: BatcherOptions = {},
): Batcher<T, R> {
  const maxBatch = options.maxBatch ?? 500;
  let pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let running: Promise<void> | null = null;
  const gatherMax = options.gatherMax ?? 16;
  let endGathering: (() => void) | null = null;

  const run = async () => {
    while (pending.length > 0) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(batch.length);
      try {
        const results = await flush(batch.map((p) => p.item));
        batch.forEach((p, i) => p.resolve(results[i]));
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    running = null;
  };

  return {
    add(item) {
      const done = new Promise<R>((resolve, reject) => pending.push({ item, resolve, reject }));
      if (running === null) {
        running = options.gather
          ? new Promise<void>((resolve) => {
            endGathering = resolve;
            setImmediate(resolve);
          }).then(() => {
            endGathering = null;
            return run();
          })
          : run();
      } else if (endGathering !== null && pending.length >= gatherMax) endGathering();
      return done;
    },
    async drain() {
      while (running) await running;
    },
  };
}
