/**
 * Group commit: items added while a flush is in flight go out together in the next one. Under
 * load this turns a thousand enqueues or completions into a handful of statements; when idle, a
 * single item still flushes at once, adding no latency. Each caller's promise settles only after
 * the flush holding its item has committed, so batching never weakens durability.
 * @module
 */

/** See the module doc. */
export interface Batcher<T, R> {
  /** Adds an item; resolves with its result once the flush containing it has finished. */
  add(item: T): Promise<R>;
  /** Resolves when nothing is pending or in flight. */
  drain(): Promise<void>;
}

/**
 * Creates a {@link Batcher}: `flush` gets up to `maxBatch` items at a time, one flush at a time,
 * and returns one result per item, in order.
 */
export function createBatcher<T, R = void>(
  flush: (items: T[]) => Promise<R[]>,
  maxBatch = 500,
): Batcher<T, R> {
  let pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let running: Promise<void> | null = null;

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
      running ??= run();
      return done;
    },
    async drain() {
      while (running) await running;
    },
  };
}
