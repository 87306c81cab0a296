/**
 * The job thread of `bench/queue.ts --threads`: the real thread side (`serveJobThread`) with its
 * own store connection, queue and pool, as `loom serve` runs jobs. `noop` jobs do nothing;
 * `probe` jobs report when their handler started, on the clock both threads share
 * (`performance.timeOrigin + performance.now()`), through the relayed log.
 * @module
 */
import { openDatabase } from "../src/db/mod.ts";
import { createQueue } from "../src/queue/mod.ts";
import { createWorkerPool, poolRuntime, serveJobThread } from "../src/worker/mod.ts";

/** What the bench sends the thread. */
export interface BenchThreadInit {
  dbUrl: string;
  slots: number;
}

serveJobThread(async (init, parent) => {
  const { dbUrl, slots } = init as BenchThreadInit;
  const database = await openDatabase(dbUrl);
  const queue = await createQueue(database);
  const pool = createWorkerPool({
    queue,
    workerId: "bench-thread",
    slots,
    leaseMs: 30_000,
    pollMs: 1_000,
    handlers: {
      noop: () => Promise.resolve(),
      probe: (job) => {
        const at = performance.timeOrigin + performance.now();
        parent.log.info("probe started", { n: (job.payload as { n: number }).n, at });
        return Promise.resolve();
      },
    },
    onRunEnd: (job, outcome, durationMs) =>
      parent.runEnded({ kind: job.kind, lane: job.lane, outcome, durationMs }),
  });
  return poolRuntime(pool, queue, database);
});
