import assert from "node:assert/strict";
import { sql } from "kysely";
import { type StoreFactory, testStores, withStores } from "../../tests/stores.ts";
import { createQueue, type Job, PermanentError, type Queue } from "../queue/mod.ts";
import { createWorkerPool, type JobHandler, type RunOutcome } from "./pool.ts";

/** Resolves when `check` holds, polling; fails after `ms`. */
async function until(check: () => boolean | Promise<boolean>, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

function withPool(
  factory: StoreFactory,
  handlers: Record<string, JobHandler>,
  body: (
    queue: Queue,
    pool: ReturnType<typeof createWorkerPool>,
    runs: [number, RunOutcome][],
  ) => Promise<void>,
  slots = 4,
) {
  return withStores(factory, async ({ queue }) => {
    const runs: [number, RunOutcome][] = [];
    const pool = createWorkerPool({
      queue,
      handlers,
      slots,
      workerId: "pool-test",
      leaseMs: 3_000,
      pollMs: 50,
      onRunEnd: (job, outcome) => runs.push([job.id, outcome]),
    });
    try {
      await body(queue, pool, runs);
    } finally {
      await pool.stop(1_000);
    }
  }, { backoff: { baseMs: 10, capMs: 20 } });
}

/**
 * Starts an idle pool on `poolQueue` that polls only once a minute, lets it settle, enqueues a
 * `kind` job through `enqueueQueue`, and checks the pool started it within a second: `woken` by
 * a signal, not by its poll.
 */
async function assertStartedAtOnce(o: {
  poolQueue: Queue;
  enqueueQueue: Queue;
  slots: number;
  kind: string;
  settleMs: number;
  waitMs: number;
  woken: string;
}) {
  const started: number[] = [];
  const pool = createWorkerPool({
    queue: o.poolQueue,
    slots: o.slots,
    workerId: `idle-${o.kind}`,
    leaseMs: 3_000,
    pollMs: 60_000,
    handlers: { [o.kind]: () => (started.push(Date.now()), Promise.resolve()) },
  });
  try {
    await new Promise((r) => setTimeout(r, o.settleMs));
    const at = Date.now();
    await o.enqueueQueue.enqueue(o.kind, "normal", null);
    await until(() => started.length === 1, o.waitMs);
    assert.ok(started[0] - at < 1_000, `${o.woken} after ${started[0] - at} ms, not the 60 s poll`);
  } finally {
    await pool.stop(100);
  }
}

for (const factory of testStores()) {
  const name = (s: string) => `worker pool [${factory.name}]: ${s}`;

  Deno.test(name("runs every job once, never more than its slots at a time"), async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await withPool(factory, {
      work: async (job) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        seen.push(job.payload as number);
        running--;
      },
    }, async (queue) => {
      for (let i = 0; i < 40; i++) await queue.enqueue("work", "normal", i);
      await until(() => seen.length === 40);
      await until(async () =>
        (await queue.list({ status: "succeeded", limit: 500 })).jobs.length === 40
      );
    }, 3);
    assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i));
    assert.ok(peak <= 3 && peak >= 2, `peak ${peak}`);
  });

  Deno.test(name("a failing job is retried, a permanent failure goes dead"), async () => {
    let attempts = 0;
    await withPool(factory, {
      flaky: () => {
        attempts++;
        return attempts < 3 ? Promise.reject(new Error("flake")) : Promise.resolve();
      },
      broken: () => Promise.reject(new PermanentError("config is broken")),
    }, async (queue, _pool, runs) => {
      const flaky = await queue.enqueue("flaky", "normal", null, { maxAttempts: 3 });
      const broken = await queue.enqueue("broken", "normal", null);
      await until(async () => (await queue.get(flaky.id))?.status === "succeeded");
      await until(async () => (await queue.get(broken.id))?.status === "dead");
      assert.deepEqual(runs.filter(([id]) => id === flaky.id).map(([, o]) => o), [
        "retry",
        "retry",
        "succeeded",
      ]);
      assert.equal((await queue.get(broken.id))?.lastError, "PermanentError: config is broken");
    });
  });

  Deno.test(
    name("a handler that runs past the max run time is aborted, a retryable failure"),
    () =>
      withStores(factory, async ({ queue }) => {
        const runs: [number, RunOutcome, string?][] = [];
        let signalled: unknown = null;
        // Settled by the test when it ends, so a pool without the limit cannot hang its stop.
        const hung = Promise.withResolvers<void>();
        const options = {
          queue,
          slots: 1,
          workerId: "overrun-test",
          leaseMs: 3_000,
          pollMs: 50,
          maxRunMs: 200,
          handlers: {
            // The first attempt hangs and ignores its signal (a wedged request); the retry is quick.
            hang: (job: Job, { signal }: { signal: AbortSignal }) => {
              signal.addEventListener("abort", () => signalled = signal.reason);
              return job.attempts === 1 ? hung.promise : Promise.resolve();
            },
          },
          onRunEnd: (job: Job, outcome: RunOutcome, _ms: number, error?: string) =>
            runs.push([job.id, outcome, error]),
        };
        const pool = createWorkerPool(options);
        try {
          const { id } = await queue.enqueue("hang", "normal", null, { maxAttempts: 2 });
          await until(async () => (await queue.get(id))?.status === "succeeded");
          assert.deepEqual(runs.map(([, o]) => o), ["retry", "succeeded"]);
          assert.match(runs[0][2] ?? "", /LOOM_MAX_JOB_RUN_S/);
          assert.ok(signalled instanceof Error, "the handler's signal fired");
          assert.equal(pool.running(), 0, "the slot is free again");
        } finally {
          hung.resolve();
          await pool.stop(1_000);
        }
      }, { backoff: { baseMs: 10, capMs: 20 } }),
  );

  Deno.test(name("cancelling a running job fires its handler's AbortSignal"), async () => {
    let aborted: unknown = null;
    const started = Promise.withResolvers<void>();
    await withPool(factory, {
      slow: (_job, { signal }) =>
        new Promise((_, reject) => {
          started.resolve();
          signal.addEventListener("abort", () => {
            aborted = signal.reason;
            reject(signal.reason);
          });
        }),
    }, async (queue, pool, runs) => {
      const { id } = await queue.enqueue("slow", "high", null);
      await started.promise;
      await queue.cancel(id);
      await until(() => aborted !== null);
      await until(() => pool.running() === 0);
      assert.equal((await queue.get(id))?.status, "cancelled");
      assert.deepEqual(runs, [[id, "cancelled"]]);
    });
  });

  Deno.test(
    name("a postponed job waits, spending no attempt, and runs again resumed"),
    async () => {
      const seen: unknown[] = [];
      await withPool(factory, {
        staged: (job) => {
          seen.push(job.payload);
          const later = { postpone: { until: Date.now() + 60_000, payload: "second" } };
          return Promise.resolve(job.payload === "first" ? later : undefined);
        },
      }, async (queue, _pool, runs) => {
        const { id } = await queue.enqueue("staged", "normal", "first");
        await until(() => runs.length === 1);
        assert.deepEqual(runs, [[id, "postponed"]]);
        const waiting = await queue.get(id);
        assert.equal(waiting?.status, "queued");
        assert.equal(waiting?.attempts, 0, "waiting is not failing");
        assert.equal(waiting?.payload, "second", "the next run gets the payload it was left with");
        await queue.resume(id);
        await until(async () => (await queue.get(id))?.status === "succeeded");
        assert.deepEqual(seen, ["first", "second"]);
        assert.equal((await queue.get(id))?.attempts, 1);
      });
    },
  );

  Deno.test(name("a resume arriving while the job runs is not lost to its postpone"), async () => {
    const release = Promise.withResolvers<void>();
    let started = 0;
    await withPool(factory, {
      racing: async () => {
        started++;
        if (started > 1) return;
        await release.promise;
        return { postpone: { until: Date.now() + 60_000 } };
      },
    }, async (queue, _pool, runs) => {
      const { id } = await queue.enqueue("racing", "normal", null);
      await until(() => started === 1);
      await queue.resume(id);
      release.resolve();
      await until(() => runs.length === 2, 3_000);
      assert.deepEqual(runs, [[id, "postponed"], [id, "succeeded"]]);
    });
  });

  Deno.test(
    name("a stop while ending runs claim their successors leaves nothing running behind"),
    async () => {
      const fresh = await factory.open();
      const queue = await createQueue(fresh.store);
      const ended: number[] = [];
      await queue.enqueueMany(
        Array.from({ length: 2_000 }, (_, i) => ({ kind: "quick", lane: "normal", payload: i })),
      );
      const pool = createWorkerPool({
        queue,
        slots: 4,
        workerId: "refilling",
        leaseMs: 3_000,
        pollMs: 50,
        handlers: { quick: () => new Promise((r) => setTimeout(r, 1)) },
        onRunEnd: (job, outcome) => outcome === "succeeded" && ended.push(job.id),
      });
      try {
        await until(() => ended.length >= 100);
        await pool.stop(1_000);
        const after = ended.length;
        // Each ending's commit claimed the next jobs: those ran within the grace too, and no
        // claim made after the stop began is left running with no run behind it.
        const running = await queue.list({ status: "running", limit: 10 });
        assert.deepEqual(running.jobs.map((j) => j.id), []);
        const { rows: [{ n }] } = await sql<{ n: number }>`
          select count(*) as n from jobs where status = 'succeeded'`.execute(fresh.store.db);
        assert.equal(Number(n), after, "every run that ended was recorded once");
        assert.ok(after < 2_000, `stopped part way: ${after}`);
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(ended.length, after, "nothing ran after the stop");
      } finally {
        await queue.close();
        await fresh.dispose();
      }
    },
  );

  Deno.test(name("stop lets short jobs finish and hands long ones back to the queue"), async () => {
    const fresh = await factory.open();
    const queue = await createQueue(fresh.store);
    const sawAbort: number[] = [];
    const pool = createWorkerPool({
      queue,
      slots: 4,
      workerId: "stopping",
      leaseMs: 3_000,
      pollMs: 50,
      handlers: {
        sleep: (job, { signal }) =>
          new Promise((resolve, reject) => {
            const timer = setTimeout(resolve, job.payload as number);
            signal.addEventListener("abort", () => {
              clearTimeout(timer);
              sawAbort.push(job.id);
              reject(signal.reason);
            });
          }),
      },
    });
    try {
      const short = await queue.enqueue("sleep", "normal", 100);
      const long = await queue.enqueue("sleep", "normal", 60_000);
      await until(() => pool.running() === 2);
      await pool.stop(400);
      assert.equal((await queue.get(short.id))?.status, "succeeded");
      const released = await queue.get(long.id);
      assert.equal(released?.status, "queued");
      assert.equal(released?.attempts, 0, "a shutdown does not use up an attempt");
      assert.deepEqual(sawAbort, [long.id]);
    } finally {
      await queue.close();
      await fresh.dispose();
    }
  });

  Deno.test(name("a 5 s event-loop stall with a 3 s lease does not run a job twice"), async () => {
    let running = 0;
    let peak = 0;
    let starts = 0;
    await withPool(factory, {
      stall: async () => {
        starts++;
        running++;
        peak = Math.max(peak, running);
        if (starts === 1) {
          // Past the pool's first heartbeat tick, then a real synchronous stall (a CPU-bound
          // parse, a blocking call): no timer fires for 5 s, so the 3 s lease runs out meanwhile.
          await new Promise((r) => setTimeout(r, 100));
          const until = Date.now() + 5_000;
          while (Date.now() < until) { /* busy: the event loop is stalled */ }
          // Still running after the stall: room for a second copy to start, if one is claimed.
          await new Promise((r) => setTimeout(r, 700));
        }
        running--;
      },
    }, async (queue, pool, runs) => {
      const { id } = await queue.enqueue("stall", "normal", null);
      await until(async () => (await queue.get(id))?.status === "succeeded", 10_000);
      await until(() => pool.running() === 0);
      assert.equal(peak, 1, `${peak} runs of the job at once`);
      assert.equal(starts, 1, "the job ran once");
      assert.deepEqual(runs, [[id, "succeeded"]]);
      const job = await queue.get(id);
      assert.equal(job?.attempts, 1);
      assert.deepEqual(job?.errors, [], "no lease was reaped");
    });
  });

  for (const oldRunEnds of ["returns", "throws"] as const) {
    Deno.test(
      name(
        `cancel then retry of a running job ends once, and the old run's attempt is not counted ` +
          `(the old run ${oldRunEnds})`,
      ),
      async () => {
        let running = 0;
        let peak = 0;
        let starts = 0;
        const oldStarted = Promise.withResolvers<void>();
        const oldMayEnd = Promise.withResolvers<void>();
        await withStores(factory, async ({ db, queue }) => {
          // Another node (or `loom jobs` on the CLI) cancels and retries: no in-process listener
          // tells this pool, which hears of it at a heartbeat at the earliest.
          const elsewhere = await createQueue(db);
          const runs: [number, RunOutcome][] = [];
          const pool = createWorkerPool({
            queue,
            slots: 4,
            workerId: "pool-test",
            leaseMs: 3_000,
            pollMs: 50,
            onRunEnd: (job, outcome) => runs.push([job.id, outcome]),
            handlers: {
              slow: async () => {
                const n = ++starts;
                running++;
                peak = Math.max(peak, running);
                try {
                  if (n === 1) {
                    oldStarted.resolve();
                    await oldMayEnd.promise;
                    if (oldRunEnds === "throws") throw new Error("the old run failed late");
                  } else {
                    await new Promise((r) => setTimeout(r, 300));
                  }
                } finally {
                  running--;
                }
              },
            },
          });
          try {
            const { id } = await queue.enqueue("slow", "normal", null);
            await oldStarted.promise;
            assert.equal((await elsewhere.cancel(id))?.status, "cancelled");
            // Queued, or already claimed again by the polling pool by the time retry reads it.
            assert.match((await elsewhere.retry(id))?.status ?? "", /^(queued|running)$/);
            // This pool claims the retried job again while its old run is still going.
            await until(async () => (await queue.get(id))?.status === "running");
            await new Promise((r) => setTimeout(r, 100));
            oldMayEnd.resolve();
            await until(async () => (await queue.get(id))?.status === "succeeded");
            await until(() => pool.running() === 0);
            assert.equal(peak, 1, `${peak} runs of the job at once`);
            assert.equal(
              runs.filter(([, o]) => o === "succeeded").length,
              1,
              `one ending, not ${JSON.stringify(runs)}`,
            );
            assert.deepEqual(runs.filter(([, o]) => o !== "lost" && o !== "cancelled"), [[
              id,
              "succeeded",
            ]]);
            const job = await queue.get(id);
            assert.equal(job?.attempts, 1, "only the retried run counts an attempt");
            assert.deepEqual(job?.errors, [], "the old run's ending is not in the history");
          } finally {
            oldMayEnd.resolve();
            await pool.stop(1_000);
            await elsewhere.close();
          }
        }, { backoff: { baseMs: 10, capMs: 20 } });
      },
    );
  }

  Deno.test(
    name("a job handed back while its old run is still here waits for that run to stop"),
    () =>
      withStores(factory, async ({ db, queue }) => {
        let running = 0;
        let peak = 0;
        let starts = 0;
        const oldStarted = Promise.withResolvers<void>();
        const oldMayEnd = Promise.withResolvers<void>();
        const runs: [number, RunOutcome][] = [];
        const pool = createWorkerPool({
          queue,
          slots: 4,
          workerId: "pool-test",
          leaseMs: 3_000,
          pollMs: 50,
          onRunEnd: (job, outcome) => runs.push([job.id, outcome]),
          handlers: {
            // The old run ignores its signal until told: a handler may take a while to stop.
            slow: async () => {
              const n = ++starts;
              running++;
              peak = Math.max(peak, running);
              if (n === 1) {
                oldStarted.resolve();
                await oldMayEnd.promise;
              }
              running--;
            },
          },
        });
        // Another node reaps the lease this pool still holds, as if its heartbeats had stopped.
        const elsewhere = await createQueue(db);
        try {
          const { id } = await queue.enqueue("slow", "normal", null);
          await oldStarted.promise;
          await sql`update jobs set locked_until = 0 where id = ${id}`.execute(db.db);
          assert.equal(await elsewhere.reapExpired(), 1);
          // Claimed again by this pool (on a pool without the guard it may even have ended).
          await until(async () => (await queue.get(id))?.status !== "queued");
          await new Promise((r) => setTimeout(r, 200));
          assert.equal(starts, 1, "the second claim waits for the old run to stop");
          oldMayEnd.resolve();
          await until(async () => (await queue.get(id))?.status === "succeeded");
          await until(() => pool.running() === 0);
          assert.equal(peak, 1, `${peak} runs of the job at once`);
          assert.equal(starts, 2);
          assert.deepEqual(runs, [[id, "lost"], [id, "succeeded"]]);
        } finally {
          oldMayEnd.resolve();
          await pool.stop(1_000);
          await elsewhere.close();
        }
      }, { backoff: { baseMs: 10, capMs: 20 } }),
  );

  Deno.test(
    name("an idle pool starts an enqueued job without waiting for its poll"),
    () =>
      withStores(factory, ({ queue }) =>
        assertStartedAtOnce({
          poolQueue: queue,
          enqueueQueue: queue,
          slots: 2,
          kind: "now",
          settleMs: 50,
          waitMs: 2_000,
          woken: "woken by the enqueue",
        })),
  );
}

Deno.test({
  name: "worker pool [postgres]: a job enqueued by another node wakes an idle pool (LISTEN/NOTIFY)",
  ignore: !testStores().some((f) => f.name === "postgres"),
  async fn() {
    const factory = testStores().find((f) => f.name === "postgres")!;
    const fresh = await factory.open();
    // A second connection to the same database stands for another Loom node.
    const { openDatabase } = await import("../db/mod.ts");
    const otherStore = await openDatabase(fresh.url);
    const here = await createQueue(fresh.store);
    const there = await createQueue(otherStore);
    try {
      await assertStartedAtOnce({
        poolQueue: here,
        enqueueQueue: there,
        slots: 1,
        kind: "remote",
        settleMs: 100,
        waitMs: 5_000,
        woken: "woken by NOTIFY",
      });
    } finally {
      await here.close();
      await there.close();
      await otherStore.close();
      await fresh.dispose();
    }
  },
});
