/**
 * The stores a store-agnostic suite runs against: SQLite always, PostgreSQL when
 * `LOOM_TEST_POSTGRES_URL` is set (CI sets it). Each opened store is fresh and isolated: a temp
 * SQLite file, or a PostgreSQL schema of its own that is dropped afterwards.
 * @module
 */
import { sql } from "kysely";
import { type Database, migrateToLatest, openDatabase } from "../src/db/mod.ts";
import { createQueue, type Queue, type QueueOptions } from "../src/queue/mod.ts";
import { createReviewStore, type ReviewStore } from "../src/store/mod.ts";

/** A store under test and how to dispose of it. */
export interface TestStore {
  url: string;
  store: Database;
  dispose(): Promise<void>;
}

/** A named way to open a fresh store. */
export interface StoreFactory {
  name: "sqlite" | "postgres";
  open(): Promise<TestStore>;
}

const serverUrl = Deno.env.get("LOOM_TEST_POSTGRES_URL");
let announced = false;

/**
 * The database this test process keeps its schemas in: one of its own, made at load. A schema
 * dropped while kysely's migrator lists the schemas of the same database fails that listing
 * ("schema … does not exist"), so test runs side by side on one server (worktrees, CI jobs) must
 * not share a database. Databases left by earlier runs (named with their creation time) are
 * dropped here once a day old, when no one uses them.
 */
async function processDatabase(server: string): Promise<string> {
  const name = `loom_t_db_${Date.now()}_${crypto.randomUUID().replaceAll("-", "").slice(0, 8)}`;
  const admin = await openDatabase(server);
  try {
    const stale = await sql<{ datname: string }>`
      select datname from pg_database where datname like 'loom\_t\_db\_%'`.execute(admin.db);
    const dayAgo = Date.now() - 86_400_000;
    for (const { datname } of stale.rows) {
      if (!(Number(datname.split("_")[3]) < dayAgo)) continue;
      // Refused while another run is connected to it: that run's database is left alone.
      await sql.raw(`drop database if exists "${datname}"`).execute(admin.db).catch(() => {});
    }
    await sql.raw(`create database "${name}"`).execute(admin.db);
  } finally {
    await admin.close();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

const postgresUrl = serverUrl ? await processDatabase(serverUrl) : undefined;

/** A fresh, migrated SQLite file in a temp dir. */
export async function freshSqliteUrl(): Promise<{ url: string; dispose(): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "loom-test-" });
  return {
    url: `file:${dir}/loom.db`,
    dispose: () => Deno.remove(dir, { recursive: true }),
  };
}

/** A PostgreSQL URL whose schema is new and unique; dispose drops it. Null without a server. */
export function freshPostgresUrl(): { url: string; dispose(): Promise<void> } | null {
  if (!postgresUrl) return null;
  const schema = `loom_t_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const url = new URL(postgresUrl);
  url.searchParams.set("schema", schema);
  return {
    url: url.toString(),
    dispose: async () => {
      const admin = await openDatabase(postgresUrl);
      try {
        await sql.raw(`drop schema if exists "${schema}" cascade`).execute(admin.db);
      } finally {
        await admin.close();
      }
    },
  };
}

async function openFresh(fresh: { url: string; dispose(): Promise<void> }): Promise<TestStore> {
  const store = await openDatabase(fresh.url);
  await migrateToLatest(store);
  return {
    url: fresh.url,
    store,
    dispose: async () => {
      await store.close();
      await fresh.dispose();
    },
  };
}

/** A fresh, migrated SQLite store in a temp dir, whatever `LOOM_TEST_POSTGRES_URL` says. */
export const sqliteStore: StoreFactory = {
  name: "sqlite",
  open: async () => openFresh(await freshSqliteUrl()),
};

/** The stores to run a suite on; prints once that PostgreSQL was skipped when it is. */
export function testStores(): StoreFactory[] {
  const factories: StoreFactory[] = [sqliteStore];
  if (postgresUrl) {
    factories.push({ name: "postgres", open: () => openFresh(freshPostgresUrl()!) });
  } else if (!announced) {
    announced = true;
    console.log("LOOM_TEST_POSTGRES_URL is not set: PostgreSQL store tests skipped");
  }
  return factories;
}

/** A fresh store with the queue and the review store bound to it. */
export interface StoreWorld {
  db: Database;
  queue: Queue;
  reviews: ReviewStore;
}

/**
 * Runs `body` on a fresh store of `factory` with a queue (built with `queueOptions`) and a review
 * store over it, and disposes of all of them afterwards, whatever `body` does.
 */
export async function withStores<T>(
  factory: StoreFactory,
  body: (world: StoreWorld) => Promise<T>,
  queueOptions?: QueueOptions,
): Promise<T> {
  const fresh = await factory.open();
  const queue = await createQueue(fresh.store, queueOptions);
  try {
    return await body({ db: fresh.store, queue, reviews: createReviewStore(fresh.store) });
  } finally {
    await queue.close();
    await fresh.dispose();
  }
}
