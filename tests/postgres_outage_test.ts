/**
 * A PostgreSQL outage under a running `loom serve`: the test owns a private cluster, stops it
 * while jobs run and starts it again. Nothing crashes, `/health` says 503 while the database is
 * away and 200 after, every job ends exactly once, and jobs enqueued by another process after
 * the restart are woken by the re-established LISTEN (the poll is set to a minute, so polling
 * alone could not find them in time).
 */
import assert from "node:assert/strict";
import { openDatabase } from "../src/db/mod.ts";
import { createQueue } from "../src/queue/mod.ts";
import { spawnLoom, stopLoom, waitFor } from "./support/child.ts";
import { pgBinariesPresent, startPgCluster } from "./support/pg_cluster.ts";

async function effectIds(file: string): Promise<string[]> {
  try {
    return (await Deno.readTextFile(file)).split("\n").filter(Boolean).map((l) => l.split(" ")[0]);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

async function health(url: string): Promise<number> {
  const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
  await res.body?.cancel();
  return res.status;
}

Deno.test({
  name: "postgres outage: the database stops mid-run and comes back; every job ends once",
  ignore: !pgBinariesPresent(),
  async fn() {
    const cluster = await startPgCluster();
    const effects = `${await Deno.makeTempDir()}/effects.txt`;
    const loom = spawnLoom(
      ["serve", "--port", "0", "--host", "127.0.0.1", "--db", cluster.url, "--workers", "4"],
      // A minute's poll: only LISTEN (or the pool's retry after an error) wakes workers quickly.
      { LOOM_POLL_INTERVAL_MS: "60000", LOOM_JOB_LEASE_S: "30", LOOM_LOG_LEVEL: "info" },
      { testJobs: true },
    );
    let exitedEarly: number | undefined;
    loom.exited.then((code) => exitedEarly ??= code);
    const store = await openDatabase(cluster.url);
    const queue = await createQueue(store);
    try {
      const url = await loom.listening;
      assert.equal(await health(url), 200);
      const before: number[] = [];
      for (let i = 0; i < 24; i++) {
        before.push((await queue.enqueue("effect", "normal", { ms: 400, file: effects })).id);
      }
      await waitFor(async () => (await effectIds(effects)).length >= 4, 20_000, "first effects");

      await cluster.stop();
      await waitFor(async () => (await health(url)) === 503, 10_000, "/health 503 while down");
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
      assert.equal(res.status, 503);
      assert.match((await res.json()).error, /store cannot be reached/);
      // Long enough for runs in flight to end while their completion cannot be written.
      await new Promise((r) => setTimeout(r, 3_000));
      assert.equal(exitedEarly, undefined, "loom is still running while the database is down");

      await cluster.start();
      await waitFor(async () => (await health(url)) === 200, 15_000, "/health 200 again");
      const after: number[] = [];
      for (let i = 0; i < 4; i++) {
        after.push((await queue.enqueue("effect", "normal", { ms: 0, file: effects })).id);
      }
      const all = [...before, ...after];
      await waitFor(
        async () => {
          const ids = new Set(await effectIds(effects));
          return after.every((id) => ids.has(String(id)));
        },
        15_000,
        "jobs enqueued after the restart to run (woken by LISTEN, not the poll)",
      );
      await waitFor(
        async () => {
          const ended = await Promise.all(all.map((id) => queue.get(id)));
          return ended.every((job) => job?.status === "succeeded");
        },
        45_000,
        "every job to succeed",
      );

      const ids = await effectIds(effects);
      assert.equal(ids.length, all.length, `each job's side effect once: ${ids.join(",")}`);
      assert.deepEqual(new Set(ids), new Set(all.map(String)));
      assert.equal(exitedEarly, undefined, "loom never exited");
      const failures = loom.log().split("\n").filter((l) => l.includes("queue operation failed"));
      assert.ok(failures.length >= 1, "the outage is logged");
      assert.ok(failures.length <= 8, `logged once per reason, not per retry:\n${failures}`);
      assert.match(loom.log(), /"msg":"queue operations work again"/);
      assert.match(loom.log(), /"msg":"LISTEN connection back"/);
    } catch (error) {
      // What loom logged is the evidence of why.
      console.error(loom.log().split("\n").slice(-40).join("\n"));
      throw error;
    } finally {
      await stopLoom(loom);
      await queue.close();
      await store.close();
      await cluster.dispose();
    }
  },
});
