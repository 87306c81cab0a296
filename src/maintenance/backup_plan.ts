/**
 * Whether `loom serve` takes scheduled backups, decided once at start from the settings and the
 * store: only an SQLite file can be (PostgreSQL has `pg_dump`; memory has nothing to keep), and
 * only into a directory this process may write, checked against its Deno permissions so that a
 * directory outside the granted paths stops the start with a clear reason instead of failing
 * every night.
 * @module
 */
import { resolve } from "node:path";
import { type Database, sqliteFilePath } from "../db/mod.ts";
import type { Logger } from "../log.ts";
import type { BackupPlan } from "./deps.ts";

/** The backup settings. */
export interface BackupSettings {
  dbUrl: string;
  backupDir?: string;
  backupIntervalH: number;
  backupKeep: number;
}

/**
 * The backup plan, or undefined when backups are off (said in the log when the directory is set
 * but the store cannot be backed up this way). Creates the directory. Throws when it may not be
 * written.
 */
export async function backupPlan(
  settings: BackupSettings,
  store: Database,
  log: Logger,
): Promise<BackupPlan | undefined> {
  if (!settings.backupDir) return undefined;
  const source = store.kind === "sqlite" ? sqliteFilePath(settings.dbUrl) : null;
  if (!source) {
    log.warn("LOOM_BACKUP_DIR is ignored", {
      reason: store.kind === "postgres"
        ? "a PostgreSQL store is backed up with pg_dump (see the README)"
        : "an in-memory store has no file to back up",
    });
    return undefined;
  }
  const dir = resolve(settings.backupDir);
  const permission = await Deno.permissions.query({ name: "write", path: dir });
  if (permission.state !== "granted") {
    throw new Error(
      `LOOM_BACKUP_DIR=${dir} is not writable by this process (its --allow-write grants do not ` +
        `cover it): put it under the data directory, e.g. /data/backups in the image or ` +
        `/var/lib/loom/backups for the systemd unit`,
    );
  }
  await Deno.mkdir(dir, { recursive: true });
  return {
    source: resolve(source),
    dir,
    intervalMs: settings.backupIntervalH * 3_600_000,
    keep: settings.backupKeep,
  };
}
