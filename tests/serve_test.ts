/**
 * `loom serve` as a real child process: settings errors, graceful shutdown, crash recovery, and
 * two processes sharing one PostgreSQL queue.
 */
import assert from "node:assert/strict";
import { openDatabase } from "../src/db/mod.ts";
import { createQueue } from "../src/queue/mod.ts";
import { spawnLoom, waitFor, withServe } from "./support/child.ts";
import { niceOf } from "./support/thread_nice.ts";
import { freshPostgresUrl, freshSqliteUrl } from "./stores.ts";

const FAST = { LOOM_POLL_INTERVAL_MS: "50", LOOM_JOB_LEASE_S: "3", LOOM_LOG_LEVEL: "info" };

async function effectLines(file: string): Promise<string[]> {
  try {
    return (await Deno.readTextFile(file)).split("\n").filter(Boolean);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

Deno.test("serve: bad settings exit 2 listing every problem, no stack trace", async () => {
  const child = spawnLoom(["serve", "--port", "http", "--db", "mysql://db/loom"], {
    LOOM_WORKERS: "many",
    LOOM_ADMIN_TOKEN: "short-secret",
  });
  assert.equal(await child.exited, 2);
  const err = child.log();
  assert.match(err, /--port="http": must be an integer/);
  assert.match(err, /--db="mysql:\/\/db\/loom": must be file:PATH/);
  assert.match(err, /LOOM_WORKERS="many": must be an integer/);
  assert.match(err, /LOOM_ADMIN_TOKEN/);
  assert.doesNotMatch(err, /short-secret/, "a secret is never echoed");
  assert.doesNotMatch(err, /^\s+at /m, "no stack trace");
});

Deno.test("serve: SIGTERM lets a running job finish, returns a long one, exits 0", async () => {
  const db = await freshSqliteUrl();
  const effects = `${await Deno.makeTempDir()}/effects.txt`;
  const child = spawnLoom(["serve", "--port", "0", "--host", "127.0.0.1", "--db", db.url], {
    ...FAST,
    LOOM_SHUTDOWN_GRACE_S: "1",
  }, { testJobs: true });
  const store = await openDatabase(db.url);
  const queue = await createQueue(store);
  try {
    const url = await child.listening;
    const short = await queue.enqueue("effect", "normal", { ms: 300, file: effects });
    const long = await queue.enqueue("effect", "normal", { ms: 60_000, file: effects });
    await waitFor(async () => (await queue.list({ status: "running" })).jobs.length === 2);
    child.process.kill("SIGTERM");
    assert.equal(await child.exited, 0);
    assert.equal((await queue.get(short.id))?.status, "succeeded");
    assert.deepEqual((await effectLines(effects)).map((l) => l.split(" ")[0]), [String(short.id)]);
    const released = await queue.get(long.id);
    assert.equal(released?.status, "queued", "the unfinished job is back in the queue");
    assert.equal(released?.attempts, 0);
    await assert.rejects(fetch(`${url}/health`), "the listener is closed");
  } finally {
    await queue.close();
    await store.close();
    await db.dispose();
  }
});

Deno.test("serve: a job whose process is SIGKILLed mid-run completes exactly once", async () => {
  const db = await freshSqliteUrl();
  const effects = `${await Deno.makeTempDir()}/effects.txt`;
  const args = ["serve", "--port", "0", "--host", "127.0.0.1", "--db", db.url];
  const first = spawnLoom(args, FAST, { testJobs: true });
  const store = await openDatabase(db.url);
  const queue = await createQueue(store);
  try {
    await first.listening;
    const { id } = await queue.enqueue("effect", "normal", { ms: 1_500, file: effects });
    await waitFor(async () => (await queue.get(id))?.status === "running", 10_000, "job running");
    first.process.kill("SIGKILL");
    assert.notEqual(await first.exited, 0);
    assert.deepEqual(await effectLines(effects), [], "killed before its side effect");

    const second = spawnLoom(args, FAST, { testJobs: true });
    await second.listening;
    await waitFor(async () => (await queue.get(id))?.status === "succeeded", 20_000, "job re-run");
    second.process.kill("SIGTERM");
    assert.equal(await second.exited, 0);
    const lines = await effectLines(effects);
    assert.equal(lines.length, 1, "the side effect happened exactly once");
    const job = await queue.get(id);
    assert.equal(job?.attempts, 2);
    assert.match(job?.errors[0]?.message ?? "", /lease expired/);
  } finally {
    await queue.close();
    await store.close();
    await db.dispose();
  }
});

Deno.test({
  name: "serve: two processes on one PostgreSQL database run 2,000 jobs, each exactly once",
  ignore: freshPostgresUrl() === null,
  async fn() {
    const db = freshPostgresUrl()!;
    const dir = await Deno.makeTempDir();
    const effects = `${dir}/effects.txt`;
    const args = ["serve", "--port", "0", "--host", "127.0.0.1", "--db", db.url, "--workers", "8"];
    const store = await openDatabase(db.url);
    const queue = await createQueue(store);
    // The first process migrates; start the second once the schema exists.
    const a = spawnLoom(args, FAST, { testJobs: true });
    await a.listening;
    const b = spawnLoom(args, FAST, { testJobs: true });
    await b.listening;
    try {
      const started = Date.now();
      for (let i = 0; i < 2_000; i++) {
        await queue.enqueue("effect", i % 3 === 0 ? "high" : "normal", { ms: 0, file: effects });
      }
      await waitFor(async () => (await effectLines(effects)).length >= 2_000, 60_000, "2,000 jobs");
      console.log(`2,000 jobs enqueued and run by two processes in ${Date.now() - started} ms`);
      a.process.kill("SIGTERM");
      b.process.kill("SIGTERM");
      assert.equal(await a.exited, 0);
      assert.equal(await b.exited, 0);
      const lines = await effectLines(effects);
      const ids = lines.map((l) => l.split(" ")[0]);
      assert.equal(lines.length, 2_000);
      assert.equal(new Set(ids).size, 2_000, "no job ran twice");
      const byPid = new Map<string, number>();
      for (const l of lines) byPid.set(l.split(" ")[1], (byPid.get(l.split(" ")[1]) ?? 0) + 1);
      assert.equal(byPid.size, 2, `both processes did work: ${JSON.stringify([...byPid])}`);
      const totals = await queue.count();
      // The server's own recurring maintenance (prune) stays queued for its next turn.
      assert.equal(
        totals.filter((c) => c.kind === "effect").reduce((n, c) => n + c.count, 0),
        0,
        "nothing left queued, running or dead",
      );
    } finally {
      for (const child of [a, b]) {
        try {
          child.process.kill("SIGKILL");
        } catch { /* already exited */ }
      }
      await Promise.allSettled([a.exited, b.exited]);
      await queue.close();
      await store.close();
      await db.dispose();
    }
  },
});

Deno.test({
  name: "loom serve: its job thread runs at nice 10 and its HTTP thread at the process's priority",
  ignore: Deno.build.os !== "linux",
  async fn() {
    await withServe({}, async (loom) => {
      await loom.listening;
      const pid = loom.process.pid;
      const workers = () =>
        [...Deno.readDirSync(`/proc/${pid}/task`)].map((entry) => entry.name).filter((tid) =>
          Deno.readTextFileSync(`/proc/${pid}/task/${tid}/comm`).startsWith("worker-")
        );
      // Two Workers: the job thread, and the store's checkpoint worker (a second after the store
      // opens), which is the HTTP thread's and keeps its priority.
      await waitFor(() => workers().length === 2, 10_000, "the checkpoint worker");
      const nices = workers().map((tid) => niceOf(`/proc/${pid}/task/${tid}/stat`));
      assert.deepEqual(nices.sort((a, b) => a - b), [niceOf(), 10]);
      // The child inherits this process's own priority.
      assert.equal(niceOf(`/proc/${pid}/stat`), niceOf());
    });
  },
});
