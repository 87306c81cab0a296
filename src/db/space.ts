/**
 * The SQLite file's size in pages, and giving freed pages back to the disk after a prune. With
 * `auto_vacuum = incremental` (every store since migration 0006) a delete leaves its pages on the
 * free list; `pragma incremental_vacuum(N)` moves up to N of them to the end and truncates them.
 * That runs on the event loop (libSQL is synchronous), so it goes in small steps with a yield
 * between. PostgreSQL's autovacuum does this work itself: there both functions do nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openDatabase } from "./connect.ts";
 * import { reclaimSpace, storeSpace } from "./space.ts";
 *
 * const db = await openDatabase(":memory:");
 * const before = await storeSpace(db);
 * assert.equal(before?.freelistPages, 0);
 * assert.equal(await reclaimSpace(db), 0);
 * await db.close();
 * ```
 * @module
 */
import { sql } from "kysely";
import type { Database } from "./connect.ts";

/** An SQLite store's size: pages in use and free, and the page size in bytes. */
export interface StoreSpace {
  pages: number;
  freelistPages: number;
  pageSize: number;
  /** 0 none, 1 full, 2 incremental. */
  autoVacuum: number;
}

/** Pages freed per step: 4 MiB of 4 KiB pages, a few milliseconds of work. */
const STEP_PAGES = 1024;

async function pragma(store: Database, name: string): Promise<number> {
  const rows = await sql<Record<string, number>>`${sql.raw(`pragma ${name}`)}`.execute(store.db);
  return Number(Object.values(rows.rows[0] ?? {})[0] ?? 0);
}

/** The SQLite store's page counts; null on PostgreSQL. */
export async function storeSpace(store: Database): Promise<StoreSpace | null> {
  if (store.kind !== "sqlite") return null;
  return {
    pages: await pragma(store, "page_count"),
    freelistPages: await pragma(store, "freelist_count"),
    pageSize: await pragma(store, "page_size"),
    autoVacuum: await pragma(store, "auto_vacuum"),
  };
}

/**
 * Returns the free pages of an SQLite store to the file system, `stepPages` at a time with a
 * macrotask yield between steps (so webhooks and heartbeats run), then checkpoints the WAL so the
 * database file itself shrinks. Returns the pages freed; 0 on PostgreSQL or when the store is not
 * incremental. Stops between steps when `signal` aborts.
 */
export async function reclaimSpace(
  store: Database,
  options: { stepPages?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const space = await storeSpace(store);
  if (!space || !store.exec || space.autoVacuum !== 2 || space.freelistPages === 0) return 0;
  const step = options.stepPages ?? STEP_PAGES;
  let freed = 0;
  let free = space.freelistPages;
  while (free > 0 && !options.signal?.aborted) {
    await store.exec!(`pragma incremental_vacuum(${Math.floor(step)})`);
    const left = await pragma(store, "freelist_count");
    freed += free - left;
    if (left >= free) break;
    free = left;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  // The truncation lands in the database file at a checkpoint; PASSIVE never waits on anyone.
  await sql`pragma wal_checkpoint(passive)`.execute(store.db);
  return freed;
}
