import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import { createQueue } from "../queue/mod.ts";
import { backupSqlite } from "./backup.ts";
import { migrateToLatest, openDatabase } from "./mod.ts";

Deno.test("backup under a steady enqueue load: opens, passes integrity_check, holds every job acknowledged before it began", async () => {
  const dir = await Deno.makeTempDir({ prefix: "loom-backup-load-" });
  const store = await openDatabase(`file:${dir}/loom.db`);
  try {
    await migrateToLatest(store);
    const queue = await createQueue(store);
    // Enough rows that the copy takes a while, so enqueues overlap it.
    const filler = "f".repeat(2000);
    for (let i = 0; i < 20; i++) {
      await queue.enqueueMany(
        Array.from({ length: 500 }, (_, n) => ({
          kind: "filler",
          lane: "low" as const,
          payload: { filler, n },
        })),
      );
    }
    const acknowledged: number[] = [];
    let stop = false;
    const load = (async () => {
      let n = 0;
      while (!stop) {
        const { id } = await queue.enqueue("review", "normal", { n: n++ });
        acknowledged.push(id);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    while (acknowledged.length < 20) await new Promise((resolve) => setTimeout(resolve, 10));
    const before = [...acknowledged];
    const backup = backupSqlite(`${dir}/loom.db`, `${dir}/backup.db`);
    const countAtStart = acknowledged.length;
    await backup;
    const duringBackup = acknowledged.length - countAtStart;
    stop = true;
    await load;
    await queue.close();

    assert.ok(before.length >= 20, `${before.length} jobs acknowledged before the backup`);
    assert.ok(
      duringBackup > 0,
      "enqueues went on while the backup was written (off the event loop)",
    );
    const copy = createClient({ url: `file:${dir}/backup.db`, intMode: "number" });
    try {
      const check = await copy.execute("pragma integrity_check");
      assert.equal(check.rows[0][0], "ok");
      const ids = new Set(
        (await copy.execute("select id from jobs where kind = 'review'")).rows.map((r) =>
          Number(r[0])
        ),
      );
      const missing = before.filter((id) => !ids.has(id));
      assert.deepEqual(missing, [], "every job acknowledged before the backup is in it");
      const fillers = await copy.execute("select count(*) from jobs where kind = 'filler'");
      assert.equal(Number(fillers.rows[0][0]), 10_000);
    } finally {
      copy.close();
    }
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
