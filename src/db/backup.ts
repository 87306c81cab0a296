/**
 * A consistent copy of a live SQLite store: `VACUUM INTO` a temporary file beside the target (one
 * read transaction, so one snapshot, taken on its own connection in a Web Worker so the server
 * keeps answering), checked with `quick_check`, then renamed into place, so a half-written backup
 * never has the backup's name. PostgreSQL is backed up with `pg_dump`, not by Loom.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { migrateToLatest, openDatabase } from "./mod.ts";
 * import { backupSqlite } from "./backup.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const store = await openDatabase(`file:${dir}/loom.db`);
 * await migrateToLatest(store);
 * await backupSqlite(`${dir}/loom.db`, `${dir}/copy.db`);
 * await assert.rejects(backupSqlite(`${dir}/loom.db`, `${dir}/copy.db`), /exists/);
 * await store.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 * @module
 */
import { basename, dirname, join } from "node:path";
import type { BackupAnswer, BackupRequest } from "./_backup_worker.ts";

/** Why a backup was not written; the message says what to do. */
export class BackupError extends Error {
  override name = "BackupError";
}

/**
 * The file an SQLite URL names (`file:PATH`, `file:///PATH`), or null for `:memory:` and
 * PostgreSQL, which cannot be backed up this way.
 */
export function sqliteFilePath(url: string): string | null {
  if (!url.startsWith("file:")) return null;
  if (url.startsWith("file://")) return decodeURIComponent(new URL(url).pathname);
  return url.slice("file:".length).replace(/\?.*$/, "");
}

/**
 * Writes a consistent copy of the SQLite store at `source` to `target`. Refuses when `target`
 * exists unless `overwrite`; throws {@link BackupError} saying why when it cannot, and leaves no
 * partial file behind.
 */
export async function backupSqlite(
  source: string,
  target: string,
  options: { overwrite?: boolean } = {},
): Promise<void> {
  if (!await exists(source)) throw new BackupError(`no SQLite store at ${source}`);
  if (!options.overwrite && await exists(target)) {
    throw new BackupError(`${target} exists; pass --force to overwrite it`);
  }
  const partial = join(
    dirname(target),
    `.${basename(target)}.${crypto.randomUUID().slice(0, 8)}.partial`,
  );
  try {
    const answer = await inWorker({ source, target: partial });
    if (!answer.ok) throw new BackupError(`backup of ${source} failed: ${answer.error}`);
    await Deno.rename(partial, target);
  } finally {
    await Deno.remove(partial).catch(() => {});
  }
}

function inWorker(request: BackupRequest): Promise<BackupAnswer> {
  const worker = new Worker(new URL("./_backup_worker.ts", import.meta.url).href, {
    type: "module",
  });
  return new Promise<BackupAnswer>((resolve) => {
    worker.onmessage = (event: MessageEvent<BackupAnswer>) => resolve(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      resolve({ ok: false, error: event.message });
    };
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
