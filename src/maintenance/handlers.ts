/**
 * The maintenance jobs' handlers by kind, for the worker pool.
 * @module
 */
import { jobHandlers, type MaintenanceKind } from "../jobs.ts";
import type { JobHandler } from "../worker/mod.ts";
import { backupJob } from "./backup_job.ts";
import type { MaintenanceDeps } from "./deps.ts";
import { pruneJob } from "./prune_job.ts";

/** Every maintenance kind's handler, each parsing its payload before it runs. */
export function maintenanceHandlers(deps: MaintenanceDeps): Record<MaintenanceKind, JobHandler> {
  return jobHandlers<MaintenanceKind>({ prune: pruneJob(deps), backup: backupJob(deps) });
}
