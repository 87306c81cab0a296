/**
 * Queue benchmark: enqueue N no-op jobs one call each (as webhooks do: K callers at once, each
 * awaiting its own durable enqueue), process them with C slots, then measure enqueue-to-start
 * latency with idle workers. Also reports the rate of a single caller enqueueing one job after
 * another, which pays one commit per job. Prints one JSON line.
 *
 *   deno task bench:queue [--store sqlite|postgres] [--jobs N] [--concurrency C] [--callers K]
 *
 * PostgreSQL: LOOM_BENCH_POSTGRES_URL, else LOOM_TEST_POSTGRES_URL, else
 * postgres://postgres@127.0.0.1:5432/test — in a schema of its own, dropped afterwards.
 */
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { type Database, migrateToLatest, openDatabase } from "../src/db/mod.ts";
import { createQueue } from "../src/queue/mod.ts";
import { createWorkerPool } from "../src/worker/pool.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    store: { type: "string", default: "sqlite" },
    jobs: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "10" },
    latency: { type: "string", default: "300" },
    callers: { type: "string", default: "32" },
  },
});
const jobs = Number(values.jobs);
const concurrency = Number(values.concurrency);
const latencySamples = Number(values.latency);
const callers = Number(values.callers);

async function openStore(): Promise<{ store: Database; dispose(): Promise<void> }> {
  if (values.store === "sqlite") {
    const dir = await Deno.makeTempDir({ prefix: "loom-bench-" });
    const store = await openDatabase(`file:${dir}/bench.db`);
    return {
      store,
      dispose: async () => (await store.close(), await Deno.remove(dir, { recursive: true })),
    };
  }
  const base = Deno.env.get("LOOM_BENCH_POSTGRES_URL") ?? Deno.env.get("LOOM_TEST_POSTGRES_URL") ??
    "postgres://postgres@127.0.0.1:5432/test";
  const schema = `loom_bench_${crypto.randomUUID().slice(0, 8)}`;
  const url = new URL(base);
  url.searchParams.set("schema", schema);
  const store = await openDatabase(url.toString());
  return {
    store,
    dispose: async () => {
      await sql.raw(`drop schema "${schema}" cascade`).execute(store.db);
      await store.close();
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const { store, dispose } = await openStore();
await migrateToLatest(store);
const queue = await createQueue(store);

// Phase 0: one caller, one awaited enqueue after another (kind "idle" is never claimed).
const sequentialJobs = Math.min(jobs, 2_000);
let started = performance.now();
for (let i = 0; i < sequentialJobs; i++) await queue.enqueue("idle", "normal", { i });
const sequentialSeconds = (performance.now() - started) / 1000;
// Out of the way, so the claims below measure a backlog of runnable jobs only.
await sql`delete from jobs where kind = 'idle'`.execute(store.db);

// Phase 1: K concurrent callers, one awaited call per job.
let next = 0;
started = performance.now();
await Promise.all(Array.from({ length: callers }, async () => {
  while (next < jobs) {
    const i = next++;
    await queue.enqueue("noop", "normal", { i });
  }
}));
const enqueueSeconds = (performance.now() - started) / 1000;

// Phase 2: process the backlog with C slots.
let done = 0;
const allDone = Promise.withResolvers<void>();
const startTimes = new Map<number, number>();
const pool = createWorkerPool({
  queue,
  slots: concurrency,
  workerId: "bench",
  leaseMs: 30_000,
  pollMs: 1_000,
  handlers: {
    noop: () => Promise.resolve(),
    probe: (job) => (startTimes.set(job.id, performance.now()), Promise.resolve()),
  },
  onRunEnd: (job) => {
    if (job.kind === "noop" && ++done === jobs) allDone.resolve();
  },
});
started = performance.now();
await allDone.promise;
const processSeconds = (performance.now() - started) / 1000;

// Phase 3: idle workers; one job at a time. Measured from the moment the enqueue has committed
// (what a webhook acknowledges) to its handler starting, and from the enqueue call itself.
const latencies: number[] = [];
const callLatencies: number[] = [];
for (let i = 0; i < latencySamples; i++) {
  const called = performance.now();
  const { id } = await queue.enqueue("probe", "normal", null);
  const committed = performance.now();
  while (!startTimes.has(id)) await new Promise((r) => setTimeout(r, 0));
  latencies.push(startTimes.get(id)! - committed);
  callLatencies.push(startTimes.get(id)! - called);
  await new Promise((r) => setTimeout(r, 2));
}
latencies.sort((a, b) => a - b);
callLatencies.sort((a, b) => a - b);
await pool.stop(5_000);
const succeeded = (await queue.list({ status: "succeeded", limit: 1 })).jobs.length;
await queue.close();
await dispose();

const round = (n: number) => Math.round(n * 100) / 100;
console.log(JSON.stringify({
  bench: "queue",
  store: values.store,
  jobs,
  concurrency,
  callers,
  enqueue_per_s: Math.round(jobs / enqueueSeconds),
  enqueue_sequential_per_s: Math.round(sequentialJobs / sequentialSeconds),
  process_per_s: Math.round(jobs / processSeconds),
  claim_to_start_p50_ms: round(percentile(latencies, 50)),
  claim_to_start_p99_ms: round(percentile(latencies, 99)),
  enqueue_call_to_start_p99_ms: round(percentile(callLatencies, 99)),
  ok: succeeded === 1,
}));
