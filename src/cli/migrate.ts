/**
 * `loom migrate`: brings the store's schema up to date without starting the server.
 * @module
 */
import { migrateToLatest, openDatabase } from "../db/mod.ts";
import { parseCommand, STORE_FLAGS } from "./args.ts";
import { type CliIo, EXIT } from "./io.ts";
import { settingsFrom } from "./settings.ts";

const USAGE = `Usage: loom migrate [--db URL] [--config FILE]

Applies pending migrations to the store (SQLite file or PostgreSQL). loom serve also
does this at start; run it alone to upgrade the schema before rolling out new nodes.`;

/** Runs `loom migrate`. */
export async function migrateCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(args, STORE_FLAGS, USAGE, io);
  if (typeof parsed === "number") return parsed;
  const settings = settingsFrom(parsed.values, io);
  if (typeof settings === "number") return settings;
  try {
    const store = await openDatabase(settings.dbUrl, { poolSize: settings.dbPoolSize });
    try {
      const applied = await migrateToLatest(store);
      io.stdout(applied.length ? `applied: ${applied.join(", ")}` : "up to date");
      return EXIT.ok;
    } finally {
      await store.close();
    }
  } catch (error) {
    io.stderr(`loom migrate: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failure;
  }
}
