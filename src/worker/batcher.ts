/**
 * Group commit for completions: ids added while a flush is in flight go out together in the next
 * one. Under load this turns a thousand completions into a handful of statements; when idle, a
 * single completion still flushes at once, adding no latency.
 * @module
 */

/** See the module doc. */
export interface Batcher<T> {
  /** Adds an item; resolves once a flush containing it has finished. */
  add(item: T): Promise<void>;
  /** Resolves when nothing is pending or in flight. */
  drain(): Promise<void>;
}

/** Creates a {@link Batcher} that hands batches to `flush`, one flush at a time. */
export function createBatcher<T>(flush: (items: T[]) => Promise<void>): Batcher<T> {
  let pending: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let running: Promise<void> | null = null;

  const run = async () => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        await flush(batch.map((p) => p.item));
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    running = null;
  };

  return {
    add(item) {
      const done = new Promise<void>((resolve, reject) => pending.push({ item, resolve, reject }));
      running ??= run();
      return done;
    },
    async drain() {
      while (running) await running;
    },
  };
}
