import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import { migrateToLatest, openDatabase, storeSpace } from "./mod.ts";

Deno.test("migration 0006 turns an existing store's auto-vacuum to incremental (one VACUUM)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "loom-space-" });
  try {
    // A store from before 0006: auto_vacuum none, with data in it.
    const old = createClient({ url: `file:${dir}/loom.db` });
    await old.execute("pragma auto_vacuum = none");
    await old.execute("create table legacy (x text)");
    await old.execute("insert into legacy values ('kept')");
    old.close();

    const store = await openDatabase(`file:${dir}/loom.db`);
    try {
      assert.equal((await storeSpace(store))!.autoVacuum, 0, "opening alone changes nothing");
      await migrateToLatest(store);
      assert.equal((await storeSpace(store))!.autoVacuum, 2);
    } finally {
      await store.close();
    }
    const check = createClient({ url: `file:${dir}/loom.db` });
    assert.equal((await check.execute("pragma auto_vacuum")).rows[0][0], 2);
    assert.equal((await check.execute("select x from legacy")).rows[0][0], "kept");
    check.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
