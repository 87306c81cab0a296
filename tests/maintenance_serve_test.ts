/**
 * `loom serve` keeps its store: it queues one recurring `prune` job and, with LOOM_BACKUP_DIR, one
 * `backup` job that writes the first backup right after start; a restart adds neither job again
 * nor a second backup before the interval.
 */
import assert from "node:assert/strict";
import { PLATFORM_SETTINGS } from "../adapters/mod.ts";
import { listBackups } from "../src/maintenance/mod.ts";
import { silentLogger } from "../src/log.ts";
import { startServer } from "../src/server.ts";
import { settingsOf } from "./support/settings.ts";

Deno.test("loom serve schedules the prune and the first backup, once however often it starts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "loom-serve-maint-" });
  const backups = `${dir}/backups`;
  const settings = settingsOf({
    env: {
      LOOM_DB_URL: `file:${dir}/loom.db`,
      LOOM_PORT: "0",
      LOOM_HOST: "127.0.0.1",
      LOOM_WORKERS: "2",
      LOOM_POLL_INTERVAL_MS: "50",
      LOOM_BACKUP_DIR: backups,
      LOOM_BACKUP_KEEP: "2",
    },
  }, PLATFORM_SETTINGS);
  try {
    const maintenanceJobs = async (server: Awaited<ReturnType<typeof startServer>>) => {
      const prune = await server.queue.list({ kind: "prune" });
      const backup = await server.queue.list({ kind: "backup" });
      return [...prune.jobs, ...backup.jobs];
    };
    const first = await startServer(settings, { log: silentLogger, env: {} });
    try {
      const deadline = Date.now() + 30_000;
      while ((await listBackups(backups).catch(() => [])).length === 0) {
        assert.ok(Date.now() < deadline, "the first backup is written after start");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Both recurring jobs wait for their next turn: queued, due in the future.
      while (
        (await maintenanceJobs(first)).some((j) => j.status !== "queued" || j.runAt <= Date.now())
      ) {
        assert.ok(Date.now() < deadline, "both jobs postpone themselves");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await first.stop(1000);
    }
    const again = await startServer(settings, { log: silentLogger, env: {} });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const jobs = await maintenanceJobs(again);
      assert.deepEqual(jobs.map((j) => j.kind).sort(), ["backup", "prune"], "one of each");
      assert.equal((await listBackups(backups)).length, 1, "the newest is young: no new backup");
    } finally {
      await again.stop(1000);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
