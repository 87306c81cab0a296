/**
 * A job thread for `src/worker/threads_test.ts`: the real thread side ({@link serveJobThread})
 * with its own SQLite connection and queue, running two kinds whose effects a test can see:
 * `spin` keeps its thread's CPU busy for `payload.ms` without yielding (a review's parsing and
 * rendering at its worst), `wait` waits until its signal aborts (cancelled, or shut down) and
 * logs why, `crash` throws where nothing catches it (the thread dies) unless `payload.marker`
 * exists, which it writes first: run again, it succeeds.
 * @module
 */
import { openDatabase } from "../../src/db/mod.ts";
import { createQueue } from "../../src/queue/mod.ts";
import { createWorkerPool, poolRuntime, serveJobThread } from "../../src/worker/mod.ts";

serveJobThread(async (init, parent) => {
  const { dbUrl, workerId } = init as { dbUrl: string; workerId: string };
  const database = await openDatabase(dbUrl);
  const queue = await createQueue(database);
  const pool = createWorkerPool({
    queue,
    workerId,
    slots: 4,
    leaseMs: 5_000,
    pollMs: 60_000,
    handlers: {
      spin(job) {
        const until = Date.now() + (job.payload as { ms: number }).ms;
        while (Date.now() < until) { /* no await: nothing else runs on this thread */ }
        return Promise.resolve();
      },
      async crash(job) {
        const { marker } = job.payload as { marker: string };
        if (await Deno.stat(marker).then(() => true, () => false)) return;
        await Deno.writeTextFile(marker, "crashed once\n");
        setTimeout(() => {
          throw new Error("a bug no handler caught");
        });
        await new Promise(() => {/* the thread dies first */});
      },
      wait: (_job, { signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener("abort", () => {
            parent.log.info("wait aborted", { reason: String(signal.reason) });
            reject(signal.reason);
          })
        ),
    },
    onRunEnd: (job, outcome, durationMs) =>
      parent.runEnded({ kind: job.kind, lane: job.lane, outcome, durationMs }),
  });
  return poolRuntime(pool, queue, database);
});
