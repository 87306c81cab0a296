/**
 * Storage: open a store by URL, migrate it, and the table types.
 * @module
 */
export { type Database, isPostgresUrl, openDatabase, type StoreKind } from "./connect.ts";
export { BackupError, backupSqlite, sqliteFilePath } from "./backup.ts";
export { migrateToLatest } from "./migrate.ts";
export { reclaimSpace, type StoreSpace, storeSpace } from "./space.ts";
export type * from "./tables.ts";
