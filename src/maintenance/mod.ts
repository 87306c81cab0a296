/**
 * Keeping the store: the retention prune and scheduled SQLite backups, as recurring jobs of the
 * queue (`prune`, `backup`) that `loom serve` schedules at start.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { migrateToLatest, openDatabase } from "../db/mod.ts";
 * import { createQueue } from "../queue/mod.ts";
 * import { scheduleMaintenance } from "./mod.ts";
 *
 * const database = await openDatabase(":memory:");
 * await migrateToLatest(database);
 * const queue = await createQueue(database);
 * const first = await scheduleMaintenance(queue, { backups: false });
 * const again = await scheduleMaintenance(queue, { backups: false });
 * assert.equal(again.prune, first.prune); // one prune job however often the server starts
 * await database.close();
 * ```
 * @module
 */
export { backupPlan, type BackupSettings } from "./backup_plan.ts";
export { backupName, listBackups, runScheduledBackup } from "./backup_schedule.ts";
export type { BackupPlan, MaintenanceDeps } from "./deps.ts";
export { maintenanceHandlers } from "./handlers.ts";
export { PRUNE_BATCH, type PruneResult, pruneStore } from "./prune.ts";
export { PRUNE_EVERY_MS } from "./prune_job.ts";
export { MAINTENANCE_KEYS, scheduleMaintenance } from "./schedule.ts";
