/**
 * The Web Worker that writes one SQLite backup for {@link backupSqlite}: one message in (the
 * store's path and the file to write), one out (done, or the error). It opens its own connection,
 * so the copy (`VACUUM INTO`, a read transaction: one consistent snapshot) runs off the server's
 * event loop while the server's connection keeps writing (WAL lets both go on). The copy is then
 * checked with `pragma quick_check` before the caller renames it into place.
 * @module
 */
import { createClient } from "@libsql/client";

/** What the worker is asked. */
export interface BackupRequest {
  source: string;
  target: string;
}

/** What it answers. */
export type BackupAnswer = { ok: true } | { ok: false; error: string };

const self = globalThis as unknown as {
  onmessage: ((event: MessageEvent<BackupRequest>) => void) | null;
  postMessage(answer: BackupAnswer): void;
};

self.onmessage = async ({ data }) => {
  const answer = await copy(data).catch((error): BackupAnswer => ({
    ok: false,
    error: error instanceof Error ? error.message : String(error),
  }));
  self.postMessage(answer);
};

async function copy({ source, target }: BackupRequest): Promise<BackupAnswer> {
  const from = createClient({ url: `file:${source}`, intMode: "number" });
  try {
    await from.execute("pragma busy_timeout = 5000");
    await from.execute({ sql: "vacuum into ?", args: [target] });
  } finally {
    from.close();
  }
  const copied = createClient({ url: `file:${target}`, intMode: "number" });
  try {
    const check = await copied.execute("pragma quick_check");
    const verdict = String(Object.values(check.rows[0] ?? {})[0] ?? "");
    return verdict === "ok"
      ? { ok: true }
      : { ok: false, error: `the copy is damaged: ${verdict}` };
  } finally {
    copied.close();
  }
}
