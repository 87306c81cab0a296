/**
 * `loom backup FILE`: a consistent copy of the SQLite store, safe while `loom serve` runs on it.
 * @module
 */
import { BackupError, backupSqlite, isPostgresUrl, sqliteFilePath } from "../db/mod.ts";
import { parseCommand, STORE_FLAGS } from "./args.ts";
import { type CliIo, EXIT } from "./io.ts";
import { settingsFrom } from "./settings.ts";

const USAGE = `Usage: loom backup FILE [--force] [--db URL] [--config FILE]

Writes a consistent copy of the SQLite store to FILE, also while loom serve runs on it
(VACUUM INTO: one snapshot of the store; written under a temporary name, checked, then
renamed). Refuses to overwrite FILE unless --force is given. To restore: stop loom, copy
the backup over the store's file (and delete its -wal and -shm files), start loom.
A PostgreSQL store is backed up with pg_dump instead.`;

const PG_DUMP = "a PostgreSQL store is backed up with pg_dump, not loom backup: " +
  'pg_dump --format=custom --file=loom.dump "$LOOM_DB_URL" (restore with pg_restore ' +
  "--clean --if-exists --dbname=URL loom.dump)";

/** Runs `loom backup`. */
export async function backupCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(args, { ...STORE_FLAGS, force: { type: "boolean" } }, USAGE, io);
  if (typeof parsed === "number") return parsed;
  if (parsed.positionals.length !== 1) {
    io.stderr(`error: loom backup takes one FILE\n\n${USAGE}`);
    return EXIT.usage;
  }
  const settings = settingsFrom(parsed.values, io);
  if (typeof settings === "number") return settings;
  if (isPostgresUrl(settings.dbUrl)) {
    io.stderr(`loom backup: ${PG_DUMP}`);
    return EXIT.failure;
  }
  const source = sqliteFilePath(settings.dbUrl);
  if (!source) {
    io.stderr(`loom backup: ${settings.dbUrl} is not a file: there is nothing to back up`);
    return EXIT.failure;
  }
  const target = parsed.positionals[0];
  try {
    await backupSqlite(source, target, { overwrite: parsed.values.force === true });
    const { size } = await Deno.stat(target);
    io.stdout(`backed up ${source} to ${target} (${size} bytes)`);
    return EXIT.ok;
  } catch (error) {
    const why = error instanceof BackupError || error instanceof Error
      ? error.message
      : String(error);
    io.stderr(`loom backup: ${why}`);
    return EXIT.failure;
  }
}
