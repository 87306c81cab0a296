/**
 * Brings a store's schema up to date with the migrations in `migrations/`.
 * @module
 */
import type { Kysely } from "kysely";
import { type MigrationResultSet, Migrator } from "kysely/migration";
import { migrations } from "../../migrations/mod.ts";
import type { Database } from "./connect.ts";

/**
 * Runs every pending migration; returns the names applied now. Throws with the failing
 * migration's name when one fails (kysely rolls it back where the store allows).
 */
export async function migrateToLatest(store: Database): Promise<string[]> {
  const migrator = new Migrator({
    db: store.db as Kysely<unknown>,
    // Named explicitly: without it kysely would take a same-named table in any schema for ours.
    migrationTableSchema: store.schema,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    migrationTableName: "loom_migrations",
    migrationLockTableName: "loom_migrations_lock",
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    const why = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed} failed: ${why}`);
  }
  return (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
