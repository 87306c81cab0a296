/**
 * Scheduled backups of the SQLite store: `loom-YYYYMMDD-HHMMSS.db` (UTC) files in one directory, a
 * new one once the newest is `intervalMs` old (so the first comes right after start when the
 * newest is older than that, or there is none), the newest `keep` kept. Each file is written under
 * a temporary name and renamed (`backupSqlite`), so a file with a backup's name is always whole;
 * temporaries left by a crash are deleted before the next backup.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { backupName, nextBackupAt, parseBackupName } from "./backup_schedule.ts";
 *
 * const at = Date.UTC(2026, 0, 2, 3, 4, 5);
 * assert.equal(backupName(at), "loom-20260102-030405.db");
 * assert.equal(parseBackupName("loom-20260102-030405.db"), at);
 * assert.equal(parseBackupName("notes.txt"), null);
 * // None yet: due now. Otherwise an interval after the newest.
 * assert.equal(nextBackupAt([], 3_600_000, at), at);
 * assert.equal(nextBackupAt([{ name: backupName(at), at }], 3_600_000, at), at + 3_600_000);
 * ```
 * @module
 */
import { join } from "node:path";

/** A backup file in the directory and the time its name gives. */
export interface BackupFile {
  name: string;
  at: number;
}

const NAME = /^loom-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})\.db$/;
/** What `backupSqlite` names its temporary file for a scheduled backup. */
const PARTIAL = /^\.loom-\d{8}-\d{6}\.db\.[0-9a-f]{8}\.partial$/;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The file name of a backup taken at `at` (epoch ms), in UTC. */
export function backupName(at: number): string {
  const d = new Date(at);
  return `loom-${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}.db`;
}

/** The time a backup's file name gives, or null for any other name. */
export function parseBackupName(name: string): number | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const at = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isNaN(at) ? null : at;
}

/** The backups in `dir`, oldest first; other files (and temporaries) are not backups. */
export async function listBackups(dir: string): Promise<BackupFile[]> {
  const found: BackupFile[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const at = entry.isFile ? parseBackupName(entry.name) : null;
    if (at !== null) found.push({ name: entry.name, at });
  }
  return found.sort((a, b) => a.at - b.at);
}

/**
 * When the next backup is due: now when there is none, else an interval after the newest (a
 * newest dated in the future, after a clock change, counts as now: it cannot postpone for long).
 */
export function nextBackupAt(
  backups: readonly BackupFile[],
  intervalMs: number,
  now: number,
): number {
  const newest = backups.at(-1);
  return newest ? Math.min(newest.at, now) + intervalMs : now;
}

/** What a scheduled backup needs. */
export interface ScheduledBackup {
  dir: string;
  intervalMs: number;
  keep: number;
  now: () => number;
  /** Writes a consistent copy of the store to `target` (temporary name, then rename). */
  write: (target: string) => Promise<void>;
}

/** What {@link runScheduledBackup} did. */
export interface BackupRun {
  /** The file written now, if one was due. */
  written?: string;
  /** Older backups deleted to keep the newest `keep`. */
  deleted: string[];
  /** When the next one is due. */
  next: number;
}

/**
 * Writes a backup when one is due, then deletes all but the newest `keep`; answers when the next
 * is due. A failed write throws (the caller logs it and tries again later) and deletes nothing.
 */
export async function runScheduledBackup(s: ScheduledBackup): Promise<BackupRun> {
  const now = s.now();
  const backups = await listBackups(s.dir);
  const due = nextBackupAt(backups, s.intervalMs, now);
  if (due > now) return { deleted: [], next: due };
  await removeLeftovers(s.dir);
  const name = backupName(now);
  await s.write(join(s.dir, name));
  const all = await listBackups(s.dir);
  const stale = all.slice(0, Math.max(0, all.length - s.keep));
  for (const old of stale) await Deno.remove(join(s.dir, old.name));
  return { written: name, deleted: stale.map((b) => b.name), next: now + s.intervalMs };
}

async function removeLeftovers(dir: string): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && PARTIAL.test(entry.name)) {
      await Deno.remove(join(dir, entry.name)).catch(() => {});
    }
  }
}
