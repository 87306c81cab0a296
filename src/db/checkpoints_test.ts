import assert from "node:assert/strict";
import Database from "libsql";
import { waitFor } from "../../tests/support/child.ts";
import { startCheckpoints } from "./checkpoints.ts";

/** A WAL store with a table, on the connection a server would write through. */
async function walStore() {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/store.db`;
  const db = new Database(path);
  db.exec("pragma journal_mode = wal");
  db.exec("pragma busy_timeout = 5000");
  db.exec("pragma synchronous = normal");
  db.exec("create table t (id integer primary key, v text)");
  const insert = db.prepare("insert into t (v) values (?)");
  const frames = () => Math.floor(Deno.statSync(`${path}-wal`).size / 4120);
  return { dir, path, db, frames, write: (n: number) => insert.run([`row ${n} `.repeat(20)]) };
}

Deno.test("checkpoints: the log stays short while the connection writes, copied by the worker", async () => {
  const s = await walStore();
  const checkpoints = startCheckpoints(s.db, s.path, {
    startAfterMs: 0,
    restartFrames: 2_000,
  });
  // One-step writes (`run`) never checkpoint on their own connection: without the worker the
  // log would hold every one of them.
  await waitFor(
    () =>
      (s.db.prepare("pragma wal_autocheckpoint").get([]) as { wal_autocheckpoint: number })
        .wal_autocheckpoint === 0,
    10_000,
    "the worker to take over",
  );
  for (let i = 0; i < 20_000; i++) {
    s.write(i);
    if (i % 100 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  await waitFor(() => Deno.statSync(s.path).size > 20_000 * 100, 10_000, "the rows in the file");
  // Each commit adds a frame or more: a log never started over would hold 20,000 at least.
  assert.ok(s.frames() < 10_000, `the log started over: ${s.frames()} frames at most`);
  await checkpoints.stop();
  s.db.close();
  assert.equal(
    (new Database(s.path).prepare("select count(*) as n from t").get([]) as {
      n: number;
    }).n,
    20_000,
  );
  await Deno.remove(s.dir, { recursive: true });
});

Deno.test("checkpoints: a store closed before the worker starts never starts it", async () => {
  const s = await walStore();
  const checkpoints = startCheckpoints(s.db, s.path);
  s.write(1);
  await checkpoints.stop();
  const mode = s.db.prepare("pragma wal_autocheckpoint").get([]) as { wal_autocheckpoint: number };
  assert.equal(mode.wal_autocheckpoint, 1_000, "the connection still checkpoints inline");
  s.db.close();
  await Deno.remove(s.dir, { recursive: true });
});
