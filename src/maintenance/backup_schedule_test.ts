import assert from "node:assert/strict";
import { createClient } from "@libsql/client";
import { backupSqlite, migrateToLatest, openDatabase } from "../db/mod.ts";
import { backupName, listBackups, runScheduledBackup } from "./backup_schedule.ts";

const HOUR = 3_600_000;
const START = Date.UTC(2026, 4, 1, 12, 0, 0);

async function liveStore() {
  const dir = await Deno.makeTempDir({ prefix: "loom-backup-" });
  const store = await openDatabase(`file:${dir}/loom.db`);
  await migrateToLatest(store);
  await Deno.mkdir(`${dir}/backups`);
  return {
    dir,
    backups: `${dir}/backups`,
    store,
    async [Symbol.asyncDispose]() {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("scheduled backups: first at start, then every interval, the newest KEEP kept", async () => {
  await using s = await liveStore();
  let clock = START;
  const schedule = {
    dir: s.backups,
    intervalMs: 24 * HOUR,
    keep: 3,
    now: () => clock,
    write: (target: string) => backupSqlite(`${s.dir}/loom.db`, target),
  };
  const first = await runScheduledBackup(schedule);
  assert.equal(first.written, backupName(START), "none yet: one right away");
  assert.equal(first.next, START + 24 * HOUR);

  clock = START + 23 * HOUR;
  const early = await runScheduledBackup(schedule);
  assert.equal(early.written, undefined, "not due yet");
  assert.equal(early.next, START + 24 * HOUR, "due an interval after the newest");

  const written: string[] = [first.written!];
  for (let day = 1; day <= 4; day++) {
    clock = START + day * 24 * HOUR;
    const run = await runScheduledBackup(schedule);
    written.push(run.written!);
  }
  const kept = (await listBackups(s.backups)).map((b) => b.name);
  assert.deepEqual(kept, written.slice(-3), "the three newest");
  // Each is a whole store.
  for (const name of kept) {
    const copy = createClient({ url: `file:${s.backups}/${name}` });
    const check = await copy.execute("pragma integrity_check");
    assert.equal(check.rows[0][0], "ok");
    copy.close();
  }
});

Deno.test("scheduled backups: a write that fails leaves no file with a backup's name, and a crash's temporary is swept", async () => {
  await using s = await liveStore();
  // A temporary a killed process left behind.
  const leftover = `${s.backups}/.${backupName(START - HOUR)}.0badc0de.partial`;
  await Deno.writeTextFile(leftover, "half a database");
  let clock = START;
  const failing = {
    dir: s.backups,
    intervalMs: HOUR,
    keep: 2,
    now: () => clock,
    // The store vanished: the copy cannot be made.
    write: (target: string) => backupSqlite(`${s.dir}/gone.db`, target),
  };
  await assert.rejects(runScheduledBackup(failing), /no SQLite store/);
  assert.deepEqual(await listBackups(s.backups), []);
  const names = [...Deno.readDirSync(s.backups)].map((e) => e.name);
  assert.deepEqual(names, [], "the leftover temporary is gone and nothing partial remains");
  // Once the store is back, the next run writes it.
  clock += 1000;
  const run = await runScheduledBackup({
    ...failing,
    write: (target) => backupSqlite(`${s.dir}/loom.db`, target),
  });
  assert.equal(run.written, backupName(clock));
});

Deno.test("backupSqlite: the copy is renamed into place only when whole; an existing file is kept unless overwriting", async () => {
  await using s = await liveStore();
  const target = `${s.backups}/copy.db`;
  await Deno.writeTextFile(target, "precious");
  await assert.rejects(backupSqlite(`${s.dir}/loom.db`, target), /exists; pass --force/);
  assert.equal(await Deno.readTextFile(target), "precious");
  await backupSqlite(`${s.dir}/loom.db`, target, { overwrite: true });
  const copy = createClient({ url: `file:${target}` });
  const tables = await copy.execute("select name from sqlite_master where name = 'jobs'");
  assert.equal(tables.rows.length, 1);
  copy.close();
  assert.deepEqual([...Deno.readDirSync(s.backups)].map((e) => e.name), ["copy.db"]);
});
