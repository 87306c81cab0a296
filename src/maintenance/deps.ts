/**
 * What the maintenance jobs are built with: the store, the queue, the log, the retention and,
 * when on, the backup schedule.
 * @module
 */
import type { Database } from "../db/mod.ts";
import type { Logger } from "../log.ts";
import type { Queue } from "../queue/mod.ts";
import type { ReviewStore } from "../store/mod.ts";

/** Scheduled backups of an SQLite store. */
export interface BackupPlan {
  /** The store's file. */
  source: string;
  dir: string;
  intervalMs: number;
  keep: number;
}

/** See the module doc. */
export interface MaintenanceDeps {
  database: Database;
  queue: Queue;
  store: ReviewStore;
  log: Logger;
  retentionDays: number;
  retentionReviewsDays: number;
  /** Absent when backups are off (no `LOOM_BACKUP_DIR`, or not an SQLite file). */
  backup?: BackupPlan;
  now?: () => number;
}
