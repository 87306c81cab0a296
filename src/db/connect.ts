/**
 * Opens the store a URL names: an embedded SQLite file (the default) or a PostgreSQL server shared
 * by several Loom processes. Both are reached through one kysely query layer.
 * @module
 */
import LibsqlDatabase from "libsql";
import { Kysely, PostgresDialect, sql, SqliteDialect } from "kysely";
// @ts-types="npm:@types/pg@8.20.0"
import pg from "pg";
import { sqliteFilePath } from "./backup.ts";
import { type Checkpoints, startCheckpoints } from "./checkpoints.ts";
import { keepStatements } from "./kept_statements.ts";
import { listenForever } from "./listen.ts";
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
   * Subscribes to a PostgreSQL NOTIFY channel on a dedicated connection, which reconnects by
   * itself after any loss and then fires `onNotify` once (see `listen.ts`); returns the
   * unsubscribe function. Absent on SQLite, where every writer lives in this process.
   */
  listen?: (channel: string, onNotify: () => void) => Promise<() => Promise<void>>;
  /**
   * SQLite only: runs a script the way `sqlite3_exec` does, stepping each statement to its end.
   * `pragma incremental_vacuum(N)` needs it: through a prepared query it frees one page a call.
   */
  exec?: (script: string) => Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface OpenOptions {
  /** PostgreSQL: connections of the main pool (`LOOM_DB_POOL_SIZE`); default {@link DEFAULT_POOL_SIZE}. */
  poolSize?: number;
  /** Told when the LISTEN connection is lost (with why) and when it is back (null). */
  onListenState?: (lost: string | null) => void;
  /**
   * SQLite: `normal` (the default) or `full`, whether each commit also waits for the disk to
   * confirm it (`LOOM_SQLITE_SYNCHRONOUS`; see `openSqlite`).
   */
  sqliteSynchronous?: "normal" | "full";
  /**
   * SQLite: `background` (the default) checkpoints on a worker of this connection's own (see
   * checkpoints.ts); `elsewhere` never checkpoints here, for a second connection of a process
   * whose first one has that worker (a job thread's: one checkpointer per store is enough).
   */
  sqliteCheckpoints?: "background" | "elsewhere";
}

/** Connections of the main PostgreSQL pool unless `LOOM_DB_POOL_SIZE` says otherwise. */
export const DEFAULT_POOL_SIZE = 10;

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
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  return isPostgresUrl(url)
    ? await openPostgres(url, options)
    : openSqlite(url, options.sqliteSynchronous ?? "normal", options.sqliteCheckpoints);
}

function openSqlite(
  url: string,
  synchronous: "normal" | "full",
  checkpointing: "background" | "elsewhere" = "background",
): Database {
  // libSQL's own binding, through kysely's SQLite dialect, with its compiled statements kept (see
  // kept_statements.ts). One connection: SQLite has one writer anyway, per-connection pragmas then
  // hold for every statement, and kysely runs one query at a time on it. Each call runs on this
  // thread, as it did through `@libsql/client` (the same binding): queue statements take
  // microseconds, and a hop to another thread would cost more than they do.
  const path = url === ":memory:" ? ":memory:" : (sqliteFilePath(url) ?? url);
  const native = new LibsqlDatabase(path);
  try {
    // Before any table exists this makes a new store incremental from its first page, so the
    // pages a prune frees can be returned (migration 0006 converts an older store once).
    native.exec("pragma auto_vacuum = incremental");
    native.exec("pragma journal_mode = wal");
    native.exec("pragma busy_timeout = 5000");
    // Durability: with WAL, every commit is written to the WAL file before the statement returns,
    // so a job acknowledged to a webhook survives the process crashing or being killed. NORMAL
    // leaves the fsync to checkpoints: only the OS crashing or power loss can drop the last
    // commits (never corrupting the store). That is the durability SQLite documents for
    // WAL+NORMAL, and more than Redis's default (snapshots). FULL, for an operator who wants a
    // delivery acknowledged only once the disk holds it, pays one fsync per commit (the intake
    // batcher shares one among the deliveries that arrive together).
    native.exec(`pragma synchronous = ${synchronous === "full" ? "full" : "normal"}`);
    native.exec("pragma foreign_keys = on");
  } catch (error) {
    native.close();
    throw error;
  }
  // Checkpoints run on a thread of their own, not inside this connection's commits (see
  // checkpoints.ts). An in-memory store has no log to copy.
  if (checkpointing === "elsewhere") native.exec("pragma wal_autocheckpoint = 0");
  const checkpoints: Checkpoints | undefined = path === ":memory:" || checkpointing === "elsewhere"
    ? undefined
    : startCheckpoints(native, path);
  const db = new Kysely<Tables>({
    dialect: new SqliteDialect({ database: keepStatements(native) as never }),
  });
  return {
    db,
    relaxedDb: db,
    kind: "sqlite",
    // A throw inside the executor rejects the promise, as an async store's failure would.
    exec: (script) => new Promise<void>((resolve) => (native.exec(script), resolve())),
    close: async () => {
      // Closes the native connection too (the dialect's destroy).
      await db.destroy();
      await checkpoints?.stop();
    },
  };
}

const INT8_OID = 20;

// A statement may run for 30 s on the server, a transaction may sit idle for 60 s: past that the
// server ends them, so a stuck query or a leaked transaction cannot hold locks or a pooled
// connection for ever. The client gives up on an answer 5 s after the server would have (a
// half-open socket never answers at all), and on a connection attempt after 5 s. TCP keepalive
// probes idle sockets after 10 s, so a server that vanished is noticed without a query.
const STATEMENT_TIMEOUT_MS = 30_000;
const IDLE_IN_TRANSACTION_MS = 60_000;
const QUERY_TIMEOUT_MS = STATEMENT_TIMEOUT_MS + 5_000;
const CONNECT_TIMEOUT_MS = 5_000;
const KEEPALIVE_DELAY_MS = 10_000;

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
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    // Timestamps are epoch milliseconds in bigint columns: read them back as numbers.
    types: {
      getTypeParser:
        ((oid: number, format?: string) =>
          oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format as "text")) as never,
    },
  };
}

/**
 * The pool kysely is given: a client whose query timed out on the client side is destroyed when
 * released instead of going back to the pool, because its socket may be half-open and would
 * wedge whoever got it next (pg only drops clients whose connection visibly ended).
 */
function discardingTimedOut(pool: pg.Pool) {
  return {
    async connect() {
      const client = await pool.connect();
      let timedOut = false;
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      const release = client.release.bind(client);
      return Object.assign(Object.create(client), {
        query: (...args: unknown[]) =>
          query(...args).catch((error: Error) => {
            if (/Query read timeout/.test(error?.message ?? "")) timedOut = true;
            throw error;
          }),
        release: (destroy?: boolean) => release(destroy || timedOut),
      });
    },
    end: () => pool.end(),
  };
}

async function openPostgres(url: string, options: OpenOptions): Promise<Database> {
  const { schema, ...config } = postgresConfig(url);
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  if (schema) {
    const admin = new pg.Client({ ...config, options: undefined });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists "${schema}"`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({ ...config, max: poolSize });
  survivesServerLoss(pool);
  const db = new Kysely<Tables>({
    dialect: new PostgresDialect({ pool: discardingTimedOut(pool) as never }),
  });
  const current = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  // This pool runs the queue's hot statements. enable_sort=off: right after a burst of enqueues
  // the table's statistics are stale, and the planner then sorts every queued job to find the
  // first ten instead of reading them in order off the claim index.
  const relaxedPool = new pg.Pool({
    ...config,
    max: Math.min(4, poolSize),
    options: [config.options, "-c synchronous_commit=off -c enable_sort=off"].filter(Boolean)
      .join(" "),
  });
  survivesServerLoss(relaxedPool);
  const relaxedDb = new Kysely<Tables>({
    dialect: new PostgresDialect({ pool: discardingTimedOut(relaxedPool) as never }),
  });
  return {
    db,
    relaxedDb,
    kind: "postgres",
    schema: current.rows[0]?.schema ?? "public",
    listen: (channel, onNotify) =>
      listenForever(() => new pg.Client(config), channel, onNotify, {
        onState: options.onListenState,
      }),
    close: async () => {
      await Promise.all([db.destroy(), relaxedDb.destroy()]);
    },
  };
}

/**
 * A client that loses its server must not crash the process: `pg` emits `error` on the client,
 * and on the pool only while the client is idle. A client checked out between two statements
 * (kysely holds one per query or transaction) has no listener of the pool's then, and an
 * `error` event without a listener is an uncaught exception (seen when PostgreSQL stopped with
 * `pg_ctl -m fast`: "terminating connection due to administrator command"). Each client keeps a
 * listener of its own for life; the failed statement, or the next one, reports the loss.
 */
function survivesServerLoss(pool: pg.Pool): void {
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
}
