/**
 * A wake-up signal: sleepers return as soon as someone calls `notify`, or after their timeout.
 * A notify with no sleeper is remembered, so a job enqueued between an empty claim and the next
 * sleep is not missed.
 * @module
 */

/** See the module doc. */
export interface Wakeup {
  notify(): void;
  /** Resolves on the next notify, after `ms`, or when `signal` aborts, whichever comes first. */
  wait(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Creates a {@link Wakeup}. */
export function createWakeup(): Wakeup {
  let pending = false;
  const sleepers = new Set<() => void>();
  return {
    notify() {
      if (sleepers.size === 0) {
        pending = true;
        return;
      }
      for (const wake of [...sleepers]) wake();
    },
    wait(ms, signal) {
      if (pending || signal?.aborted) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          sleepers.delete(done);
          signal?.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        sleepers.add(done);
        signal?.addEventListener("abort", done, { once: true });
      });
    },
  };
}
