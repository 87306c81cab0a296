/**
 * Queues the recurring maintenance jobs at start. Each has one dedupe key per store, so however
 * many nodes start on one PostgreSQL there is one job of each (the dedupe index admits one queued
 * or running job per key), it survives restarts in the queue, and it never runs twice at once.
 * @module
 */
import { enqueueJob } from "../jobs.ts";
import type { Queue } from "../queue/mod.ts";

/** The dedupe keys of the recurring jobs. */
export const MAINTENANCE_KEYS = {
  prune: "loom:maintenance:prune",
  backup: "loom:maintenance:backup",
};

/**
 * Makes sure a `prune` job exists (a new one runs now; an existing one keeps its hour) and, when
 * backups are on, a `backup` job, which is woken so it reads the schedule again: the interval or
 * the directory may have changed since it was postponed, and a backup that is not due yet only
 * postpones itself again.
 */
export async function scheduleMaintenance(queue: Queue, options: { backups: boolean }) {
  const prune = await enqueueJob(queue, "prune", "low", {}, {
    dedupeKey: MAINTENANCE_KEYS.prune,
  });
  if (!options.backups) return { prune: prune.id };
  const backup = await enqueueJob(queue, "backup", "low", {}, {
    dedupeKey: MAINTENANCE_KEYS.backup,
  });
  if (!backup.created) await queue.resume(backup.id);
  return { prune: prune.id, backup: backup.id };
}
