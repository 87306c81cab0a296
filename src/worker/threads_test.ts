import assert from "node:assert/strict";
import { migrateToLatest, openDatabase } from "../db/mod.ts";
import { createLogger } from "../log.ts";
import { createQueue, type Job } from "../queue/mod.ts";
import { freshSqliteUrl } from "../../tests/stores.ts";
import { waitFor } from "../../tests/support/child.ts";
import { startJobThreads, type ThreadRunEnd } from "./threads.ts";

const ENTRY = new URL("../../tests/support/spin_job_thread.ts", import.meta.url);

/** A store, this thread's queue on it, and one job thread running `spin` and `wait`. */
async function world() {
  const db = await freshSqliteUrl();
  const database = await openDatabase(db.url);
  await migrateToLatest(database);
  const queue = await createQueue(database);
  const lines: string[] = [];
  const runs: ThreadRunEnd[] = [];
  const threads = await startJobThreads({
    module: ENTRY,
    count: 1,
    init: (index) => ({ dbUrl: db.url, workerId: `test:t${index}` }),
    queue,
    log: createLogger("info", (line) => lines.push(line)),
    onRunEnd: (run) => runs.push(run),
  });
  let stopped = false;
  return {
    queue,
    lines,
    runs,
    async status(id: number) {
      return (await queue.get(id))?.status;
    },
    async stop(graceMs = 1_000) {
      if (!stopped) await threads.stop(graceMs);
      stopped = true;
    },
    async [Symbol.asyncDispose]() {
      await this.stop();
      await queue.close();
      await database.close();
      await db.dispose();
    },
  };
}

Deno.test("job threads: a CPU-bound job on its thread does not hold up this thread's enqueues", async () => {
  await using w = await world();
  // Queued here: the thread is woken by the relayed signal (its own poll is a minute away).
  const spin = await w.queue.enqueue("spin", "normal", { ms: 3_000 });
  await waitFor(async () => (await w.status(spin.id)) === "running", 10_000, "the spin to start");
  // While the thread spins, this one takes in and commits work, and its timers fire.
  const queued: Job["status"][] = [];
  for (let i = 0; i < 5; i++) {
    const { id } = await w.queue.enqueue("later", "normal", { i });
    await new Promise((r) => setTimeout(r, 0));
    queued.push((await w.queue.get(id))!.status);
  }
  assert.deepEqual(queued, Array(5).fill("queued"));
  assert.equal(await w.status(spin.id), "running", "all of it was done while the job still ran");
  await waitFor(async () => (await w.status(spin.id)) === "succeeded", 10_000, "the spin to end");
  await waitFor(() => w.runs.length === 1, 5_000, "the run's end to come back");
  assert.equal(w.runs[0].kind, "spin");
  assert.equal(w.runs[0].outcome, "succeeded");
});

Deno.test("job threads: a job cancelled on this thread is aborted at once on its thread", async () => {
  await using w = await world();
  const { id } = await w.queue.enqueue("wait", "normal", {});
  await waitFor(async () => (await w.status(id)) === "running", 10_000, "the job to start");
  await w.queue.cancel(id, "the pull request was closed");
  // The lease is 5 s: only the relayed cancellation can abort it before the heartbeat would.
  await waitFor(
    () => w.lines.some((l) => l.includes('"msg":"wait aborted"')),
    2_000,
    "the handler to be aborted",
  );
  await waitFor(() => w.runs.length === 1, 5_000, "the run's end to come back");
  assert.equal(w.runs[0].outcome, "cancelled");
  assert.equal(await w.status(id), "cancelled");
});

Deno.test("job threads: stopping past the grace hands a running job back to the queue", async () => {
  await using w = await world();
  const { id } = await w.queue.enqueue("wait", "normal", {});
  await waitFor(async () => (await w.status(id)) === "running", 10_000, "the job to start");
  await w.stop(200);
  const job = await w.queue.get(id);
  assert.equal(job?.status, "queued", "released, to run again");
  assert.equal(job?.attempts, 0, "without spending an attempt");
  assert.ok(w.lines.some((l) => l.includes('"msg":"wait aborted"')), "its handler was told");
});

Deno.test("job threads: a thread that dies is started again, and its job runs again once its lease lapses", async () => {
  await using w = await world();
  const marker = `${await Deno.makeTempDir()}/crashed`;
  const { id } = await w.queue.enqueue("crash", "normal", { marker });
  await waitFor(
    () => w.lines.some((l) => l.includes('"msg":"job thread died; starting another"')),
    15_000,
    "the thread to die",
  );
  // Nothing ended it: the new thread's reaper finds its lease lapsed and runs it again.
  await waitFor(async () => (await w.status(id)) === "succeeded", 30_000, "the job to run again");
  assert.equal(await Deno.readTextFile(marker), "crashed once\n");
  await Deno.remove(marker.replace(/\/crashed$/, ""), { recursive: true });
});
