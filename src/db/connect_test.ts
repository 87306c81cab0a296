import assert from "node:assert/strict";
import { sql } from "kysely";
import { openDatabase } from "./connect.ts";

Deno.test("sqlite durability: WAL with synchronous NORMAL by default, FULL (an fsync per commit) when asked", async () => {
  const dir = await Deno.makeTempDir({ prefix: "loom-connect-" });
  try {
    for (const [asked, expected] of [[undefined, 1], ["full", 2], ["normal", 1]] as const) {
      const store = await openDatabase(`file:${dir}/${asked ?? "default"}.db`, {
        sqliteSynchronous: asked,
      });
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
      await store.close();
      assert.equal(mode.rows[0].journal_mode, "wal");
      assert.equal(sync.rows[0].synchronous, expected, `asked ${asked}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
