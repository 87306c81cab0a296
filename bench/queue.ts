/**
 * Queue benchmark. On each store: K callers enqueue N jobs at once, each awaiting its own durable
 * enqueue (as webhooks do); then one caller enqueues N no-op jobs one awaited call after another,
 * which pays one commit per job; C slots process them; then idle workers take one job at a time,
 * timed from the enqueue call (and from its commit) to the handler starting. Prints one JSON line.
 *
 *   deno task bench:queue [--store sqlite|postgres] [--jobs N] [--concurrency C] [--callers K]
 *   deno task bench:queue --vs bullmq [--jobs N] [--concurrency C]
 *   deno task bench:queue --threads [--store sqlite|postgres] [--jobs N] [--concurrency C]
 *
 * `--vs bullmq` runs the same one-caller enqueue, processing at concurrency C and enqueue-to-start
 * workload on BullMQ against the Redis at LOOM_BENCH_REDIS_URL (default redis://127.0.0.1:6379)
 * in the same run, and Loom on SQLite and, when LOOM_BENCH_POSTGRES_URL or LOOM_TEST_POSTGRES_URL
 * is set, PostgreSQL; the line carries both and `ratio_enqueue`, `ratio_process` (Loom over
 * BullMQ) per store, and SQLite's at the top.
 *
 * `--threads` runs the pool on a job thread (a Deno Worker with its own store connection, as
 * `loom serve` does), so processing and enqueue-to-start cross the relay that carries this
 * thread's wake-ups to it; the probe's start is read on the clock both threads share.
 *
 * PostgreSQL: LOOM_BENCH_POSTGRES_URL, else LOOM_TEST_POSTGRES_URL, else
 * postgres://postgres@127.0.0.1:5432/test — in a schema of its own, dropped afterwards.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { Queue as BullQueue, Worker as BullWorker } from "bullmq";
import { Redis } from "ioredis";
import { sql } from "kysely";
import { type Database, migrateToLatest, openDatabase } from "../src/db/mod.ts";
import { createQueue } from "../src/queue/mod.ts";
import type { Logger } from "../src/log.ts";
import { createWorkerPool } from "../src/worker/pool.ts";
import { startJobThreads } from "../src/worker/threads.ts";
import type { BenchThreadInit } from "./_queue_thread.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    store: { type: "string" },
    jobs: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "10" },
    latency: { type: "string", default: "300" },
    callers: { type: "string", default: "32" },
    vs: { type: "string" },
    threads: { type: "boolean", default: false },
  },
});
const jobs = Number(values.jobs);
const concurrency = Number(values.concurrency);
const latencySamples = Number(values.latency);
const callers = Number(values.callers);
if (values.vs !== undefined && values.vs !== "bullmq") {
  throw new Error(`--vs ${values.vs}: only bullmq is known`);
}
const postgresBase = Deno.env.get("LOOM_BENCH_POSTGRES_URL") ??
  Deno.env.get("LOOM_TEST_POSTGRES_URL");

async function openStore(
  kind: string,
): Promise<{ store: Database; url: string; dispose(): Promise<void> }> {
  if (kind === "sqlite") {
    const dir = await Deno.makeTempDir({ prefix: "loom-bench-" });
    const url = `file:${dir}/bench.db`;
    const store = await openDatabase(url);
    return {
      store,
      url,
      dispose: async () => (await store.close(), await Deno.remove(dir, { recursive: true })),
    };
  }
  const schema = `loom_bench_${crypto.randomUUID().slice(0, 8)}`;
  const url = new URL(postgresBase ?? "postgres://postgres@127.0.0.1:5432/test");
  url.searchParams.set("schema", schema);
  const store = await openDatabase(url.toString());
  return {
    store,
    url: url.toString(),
    dispose: async () => {
      await sql.raw(`drop schema "${schema}" cascade`).execute(store.db);
      await store.close();
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const round = (n: number) => Math.round(n * 100) / 100;
/** Progress on stderr: the JSON line stays alone on stdout. */
const phase = (what: string) => console.error(`bench:queue ${what}`);

/** Handler starts of probe jobs, by the probe's number: each resolves its waiter. */
function probes() {
  const waiting = new Map<number, (at: number) => void>();
  return {
    /** `at`: when it started, if not now (a job thread's report). */
    started(n: number, at = performance.now()) {
      waiting.get(n)?.(at);
      waiting.delete(n);
    },
    expect(n: number): Promise<number> {
      return new Promise((resolve) => waiting.set(n, resolve));
    },
  };
}

/**
 * Times `samples` probes one after another with idle workers: from the enqueue call, and from the
 * moment the enqueue resolved (committed), to the handler starting.
 */
async function enqueueToStart(
  enqueueProbe: (n: number) => Promise<unknown>,
  probe: ReturnType<typeof probes>,
) {
  const fromCall: number[] = [];
  const fromCommit: number[] = [];
  for (let n = 0; n < latencySamples; n++) {
    const started = probe.expect(n);
    const called = performance.now();
    await enqueueProbe(n);
    const committed = performance.now();
    const at = await started;
    fromCall.push(at - called);
    fromCommit.push(at - committed);
    await new Promise((r) => setTimeout(r, 2));
  }
  fromCall.sort((a, b) => a - b);
  fromCommit.sort((a, b) => a - b);
  return {
    enqueue_to_start_p50_ms: round(percentile(fromCall, 50)),
    enqueue_to_start_p99_ms: round(percentile(fromCall, 99)),
    committed_to_start_p99_ms: round(percentile(fromCommit, 99)),
  };
}

/** A pool on this thread, or on a job thread when `--threads`; both count runs and probes. */
async function startPool(
  queue: Awaited<ReturnType<typeof createQueue>>,
  url: string,
  onNoop: () => void,
  probe: ReturnType<typeof probes>,
): Promise<{ stop(graceMs: number): Promise<void> }> {
  if (!values.threads) {
    return createWorkerPool({
      queue,
      slots: concurrency,
      workerId: "bench",
      leaseMs: 30_000,
      pollMs: 1_000,
      handlers: {
        noop: () => Promise.resolve(),
        probe: (job) => (probe.started((job.payload as { n: number }).n), Promise.resolve()),
      },
      onRunEnd: (job) => {
        if (job.kind === "noop") onNoop();
      },
    });
  }
  const quiet = () => {};
  const log: Logger = {
    debug: quiet,
    info: (msg, fields) => {
      if (msg !== "probe started") return;
      const { n, at } = fields as { n: number; at: number };
      probe.started(n, at - performance.timeOrigin);
    },
    warn: (msg, fields) => console.error(msg, fields),
    error: (msg, fields) => console.error(msg, fields),
    with: () => log,
  };
  return await startJobThreads({
    module: new URL("./_queue_thread.ts", import.meta.url),
    count: 1,
    init: (): BenchThreadInit => ({ dbUrl: url, slots: concurrency }),
    queue,
    log,
    onRunEnd: (run) => {
      if (run.kind === "noop") onNoop();
    },
  });
}

async function measureLoom(kind: string) {
  const { store, url, dispose } = await openStore(kind);
  await migrateToLatest(store);
  const queue = await createQueue(store);
  phase(`${kind}: enqueue, ${callers} callers`);

  // K concurrent callers, one awaited call per job (kind "idle" is never claimed).
  let next = 0;
  let started = performance.now();
  await Promise.all(Array.from({ length: callers }, async () => {
    while (next < jobs) {
      const i = next++;
      await queue.enqueue("idle", "normal", { i });
    }
  }));
  const concurrentSeconds = (performance.now() - started) / 1000;
  // Out of the way, so the claims below measure a backlog of runnable jobs only.
  await sql`delete from jobs where kind = 'idle'`.execute(store.db);

  // One caller, one awaited enqueue after another: the jobs processed next.
  phase(`${kind}: enqueue, one caller`);
  started = performance.now();
  for (let i = 0; i < jobs; i++) await queue.enqueue("noop", "normal", { i });
  const sequentialSeconds = (performance.now() - started) / 1000;

  let done = 0;
  const allDone = Promise.withResolvers<void>();
  const probe = probes();
  phase(`${kind}: process`);
  started = performance.now();
  const pool = await startPool(queue, url, () => {
    if (++done === jobs) allDone.resolve();
  }, probe);
  await allDone.promise;
  const processSeconds = (performance.now() - started) / 1000;

  phase(`${kind}: enqueue to start`);
  const latency = await enqueueToStart((n) => queue.enqueue("probe", "normal", { n }), probe);
  await pool.stop(5_000);
  const { n: succeeded } = await store.db.selectFrom("jobs")
    .select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "succeeded")
    .executeTakeFirstOrThrow();
  await queue.close();
  await dispose();
  return {
    enqueue_per_s: Math.round(jobs / sequentialSeconds),
    enqueue_concurrent_per_s: Math.round(jobs / concurrentSeconds),
    process_per_s: Math.round(jobs / processSeconds),
    ...latency,
    ok: Number(succeeded) === jobs + latencySamples,
  };
}

async function measureBullmq() {
  const redis = new URL(Deno.env.get("LOOM_BENCH_REDIS_URL") ?? "redis://127.0.0.1:6379");
  // Clients made here: BullMQ loads ioredis itself only through CommonJS resolution.
  const redisClient = () =>
    new Redis({
      host: redis.hostname,
      port: Number(redis.port || 6379),
      maxRetriesPerRequest: null,
    });
  const connection = redisClient();
  const workerConnection = redisClient();
  const name = `loom-bench-${crypto.randomUUID().slice(0, 8)}`;
  const queue = new BullQueue(name, { connection });
  await queue.waitUntilReady();

  phase("bullmq: enqueue, one caller");
  let started = performance.now();
  for (let i = 0; i < jobs; i++) await queue.add("noop", { i });
  const sequentialSeconds = (performance.now() - started) / 1000;

  let done = 0;
  const allDone = Promise.withResolvers<void>();
  const probe = probes();
  const worker = new BullWorker(name, (job) => {
    if (job.name === "probe") probe.started(job.data.n);
    return Promise.resolve();
  }, { connection: workerConnection, concurrency, autorun: false });
  worker.on("completed", (job) => {
    if (job.name === "noop" && ++done === jobs) allDone.resolve();
  });
  phase("bullmq: process");
  started = performance.now();
  worker.run();
  await allDone.promise;
  const processSeconds = (performance.now() - started) / 1000;

  phase("bullmq: enqueue to start");
  const latency = await enqueueToStart((n) => queue.add("probe", { n }), probe);
  await worker.close();
  const succeeded = await queue.getCompletedCount();
  await queue.obliterate({ force: true });
  await queue.close();
  // BullMQ leaves clients it was handed open; either one would keep the process alive.
  connection.disconnect();
  workerConnection.disconnect();
  return {
    enqueue_per_s: Math.round(jobs / sequentialSeconds),
    process_per_s: Math.round(jobs / processSeconds),
    ...latency,
    ok: succeeded === jobs + latencySamples,
  };
}

const base = {
  bench: "queue",
  jobs,
  concurrency,
  load_1m: round(loadavg()[0]),
  ...values.threads ? { threads: true } : {},
};
if (values.vs === undefined) {
  const store = values.store ?? "sqlite";
  console.log(JSON.stringify({ ...base, store, callers, ...await measureLoom(store) }));
} else {
  const stores = values.store ? [values.store] : ["sqlite", ...(postgresBase ? ["postgres"] : [])];
  const bullmq = await measureBullmq();
  const loom: Record<string, Record<string, unknown>> = {};
  for (const store of stores) {
    const measured = await measureLoom(store);
    loom[store] = {
      ...measured,
      ratio_enqueue: round(measured.enqueue_per_s / bullmq.enqueue_per_s),
      ratio_process: round(measured.process_per_s / bullmq.process_per_s),
    };
  }
  const first = loom[stores[0]];
  console.log(JSON.stringify({
    ...base,
    vs: "bullmq",
    callers,
    ratio_enqueue: first.ratio_enqueue,
    ratio_process: first.ratio_process,
    loom,
    bullmq,
  }));
}
