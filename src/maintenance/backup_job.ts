/**
 * The `backup` job: writes a scheduled SQLite backup when one is due (see `backup_schedule.ts`),
 * logs it or its failure, and postpones itself until the next is due. A failure is tried again
 * within the hour (or the interval, if shorter) instead of spending attempts, so one full disk does
 * not end backups until the next restart. With backups turned off since it was queued, it ends.
 * @module
 */
import { backupSqlite } from "../db/mod.ts";
import { postponeWith, type TypedHandler } from "../jobs.ts";
import { errorMessage } from "../queue/mod.ts";
import { runScheduledBackup } from "./backup_schedule.ts";
import type { MaintenanceDeps } from "./deps.ts";

const RETRY_MS = 3_600_000;

/** The handler of `backup` jobs. */
export function backupJob(deps: MaintenanceDeps): TypedHandler<"backup"> {
  const now = deps.now ?? Date.now;
  return async (_job, { signal }) => {
    const plan = deps.backup;
    if (!plan) return deps.log.info("scheduled backups are off: the backup job ends");
    const started = now();
    try {
      const run = await runScheduledBackup({
        dir: plan.dir,
        intervalMs: plan.intervalMs,
        keep: plan.keep,
        now,
        write: (target) => backupSqlite(plan.source, target),
      });
      if (run.written) {
        const { size } = await Deno.stat(`${plan.dir}/${run.written}`);
        deps.log.info("backup written", {
          file: `${plan.dir}/${run.written}`,
          bytes: size,
          duration_ms: Math.round(now() - started),
          deleted: run.deleted,
          next_at: new Date(run.next).toISOString(),
        });
      }
      return postponeWith("backup", {}, run.next);
    } catch (error) {
      if (signal.aborted) throw error;
      const retryAt = started + Math.min(RETRY_MS, plan.intervalMs);
      deps.log.error("backup failed", {
        dir: plan.dir,
        error: errorMessage(error),
        retry_at: new Date(retryAt).toISOString(),
      });
      return postponeWith("backup", {}, retryAt);
    }
  };
}
