/**
 * Opens the store a URL names: an embedded SQLite file (the default) or a PostgreSQL server shared
 * by several Loom processes. Both are reached through one kysely query layer.
 * @module
 */
import { createClient } from "@libsql/client";
import { LibsqlDialect } from "@libsql/kysely-libsql";
import { Kysely, PostgresDialect, sql } from "kysely";
// @ts-types="npm:@types/pg@8.20.0"
import pg from "pg";
import type { Tables } from "./tables.ts";

/** Which SQL engine is behind a {@link Database}; a few queries differ between them. */
export type StoreKind = "sqlite" | "postgres";

/** An open store. */
export interface Database {
  db: Kysely<Tables>;
  /**
   * The same store through connections whose commits do not wait for the disk flush: for writes a
   * database crash may lose without harm (claims, heartbeats, completions: losing one only makes
   * a job run again, and jobs are idempotent). Enqueues never use it: a job acknowledged to a
   * webhook is on disk. On SQLite it is `db` (WAL with synchronous=NORMAL already skips the flush).
   */
  relaxedDb: Kysely<Tables>;
  kind: StoreKind;
  /** PostgreSQL: the schema Loom's tables live in (the URL's `?schema=`, else the current one). */
  schema?: string;
  /**
   * Subscribes to a PostgreSQL NOTIFY channel on a dedicated connection; returns the unsubscribe
   * function. Absent on SQLite, where every writer lives in this process.
   */
  listen?: (channel: string, onNotify: () => void) => Promise<() => Promise<void>>;
  /**
   * SQLite only: runs a script the way `sqlite3_exec` does, stepping each statement to its end.
   * `pragma incremental_vacuum(N)` needs it: through a prepared query it frees one page a call.
   */
  exec?: (script: string) => Promise<void>;
  close(): Promise<void>;
}

/** True when `url` selects PostgreSQL. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Opens the database at `url`: `file:PATH`, `:memory:`, or `postgres://…`. A PostgreSQL URL may
 * carry `?schema=NAME` to keep Loom's tables in their own schema (created when missing).
 *
 * @example
 * ```ts
 * import { openDatabase } from "./connect.ts";
 * import assert from "node:assert/strict";
 *
 * const store = await openDatabase(":memory:");
 * assert.equal(store.kind, "sqlite");
 * await store.close();
 * ```
 */
export async function openDatabase(url: string): Promise<Database> {
  return isPostgresUrl(url) ? await openPostgres(url) : await openSqlite(url);
}

async function openSqlite(url: string): Promise<Database> {
  // One connection: SQLite has one writer anyway, and per-connection pragmas then hold for every
  // statement. Queue operations are single statements, so no transaction ever holds it for long.
  const client = createClient({
    url: url === ":memory:" ? ":memory:" : url,
    concurrency: 1,
    timeout: 5,
    intMode: "number",
  });
  // Before any table exists this makes a new store incremental from its first page, so the pages
  // a prune frees can be returned (migration 0006 converts an older store once).
  await client.execute("pragma auto_vacuum = incremental");
  await client.execute("pragma journal_mode = wal");
  await client.execute("pragma busy_timeout = 5000");
  // With WAL, NORMAL keeps every commit across a process crash (only power loss can drop the
  // last ones) at a fraction of FULL's fsync cost.
  await client.execute("pragma synchronous = normal");
  await client.execute("pragma foreign_keys = on");
  // The dialect was typed against an older @libsql/client; the runtime interface it uses is the same.
  const dialect = new LibsqlDialect({ client: client as never });
  const db = new Kysely<Tables>({ dialect });
  return {
    db,
    relaxedDb: db,
    kind: "sqlite",
    exec: (script) => client.executeMultiple(script),
    close: async () => {
      await db.destroy();
      client.close();
    },
  };
}

const INT8_OID = 20;

function postgresConfig(url: string): pg.PoolConfig & { schema?: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? undefined;
  parsed.searchParams.delete("schema");
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/i.test(schema)) {
    throw new Error(`invalid schema name in database URL: ${JSON.stringify(schema)}`);
  }
  return {
    connectionString: parsed.toString(),
    schema,
    options: schema ? `-c search_path=${schema}` : undefined,
    // Timestamps are epoch milliseconds in bigint columns: read them back as numbers.
    types: {
      getTypeParser:
        ((oid: number, format?: string) =>
          oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format as "text")) as never,
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  const { schema, ...config } = postgresConfig(url);
  if (schema) {
    const admin = new pg.Client({ connectionString: config.connectionString });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists "${schema}"`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({ ...config, max: 10 });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on("error", () => {});
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  const current = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  // This pool runs the queue's hot statements. enable_sort=off: right after a burst of enqueues
  // the table's statistics are stale, and the planner then sorts every queued job to find the
  // first ten instead of reading them in order off the claim index.
  const relaxedPool = new pg.Pool({
    ...config,
    max: 4,
    options: [config.options, "-c synchronous_commit=off -c enable_sort=off"].filter(Boolean)
      .join(" "),
  });
  relaxedPool.on("error", () => {});
  const relaxedDb = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: relaxedPool }) });
  return {
    db,
    relaxedDb,
    kind: "postgres",
    schema: current.rows[0]?.schema ?? "public",
    listen: async (channel, onNotify) => {
      const client = new pg.Client(config);
      client.on("error", () => {});
      await client.connect();
      client.on("notification", (message) => {
        if (message.channel === channel) onNotify();
      });
      await client.query(`listen "${channel}"`);
      return async () => {
        await client.end().catch(() => {});
      };
    },
    close: async () => {
      await Promise.all([db.destroy(), relaxedDb.destroy()]);
    },
  };
}
