/**
 * Retention prune benchmark: an SQLite store holding `--jobs` (100,000) jobs finished 40 days
 * ago (1 KiB payloads) and as many webhook deliveries, pruned with a 30-day retention while a
 * 5 ms timer watches the event loop. Prints one JSON line: rows deleted, milliseconds, the
 * longest event-loop stall, and the database file's size (MB, after a WAL checkpoint) before and
 * after.
 *
 *   deno task bench:prune [--jobs N] [--batch ROWS]
 */
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { migrateToLatest, openDatabase } from "../src/db/mod.ts";
import { PRUNE_BATCH, pruneStore } from "../src/maintenance/mod.ts";
import { createQueue } from "../src/queue/mod.ts";
import { createReviewStore } from "../src/store/mod.ts";
import { watchEventLoop } from "../tests/support/loop_watch.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { jobs: { type: "string" }, batch: { type: "string" } },
});
const JOBS = Number(values.jobs ?? 100_000);
const BATCH = values.batch ? Number(values.batch) : undefined;
const DAY = 86_400_000;
const now = Date.now();
const old = now - 40 * DAY;

const dir = await Deno.makeTempDir({ prefix: "loom-bench-prune-" });
const file = `${dir}/loom.db`;
const database = await openDatabase(`file:${file}`);
await migrateToLatest(database);
const queue = await createQueue(database, { now: () => now });
const store = createReviewStore(database);

// Filled with set-based inserts: the bench is about the prune, not the fill.
const payload = JSON.stringify({ pad: "p".repeat(1024) });
await sql`
  insert into jobs (kind, lane, payload, status, attempts, max_attempts, run_at, score, errors,
                    created_at, updated_at, finished_at)
  with recursive n(i) as (select 1 union all select i + 1 from n where i < ${JOBS})
  select 'review', 'normal', ${payload}, 'succeeded', 1, 3, ${old}, ${old}, '[]', ${old},
         ${old}, ${old} + i from n`.execute(database.db);
await sql`
  insert into webhook_deliveries (platform, delivery_id, event, repository, outcome, received_at)
  with recursive n(i) as (select 1 union all select i + 1 from n where i < ${JOBS})
  select 'github', 'd-' || i, 'review', 'octo/app', 'queued', ${old} + i from n`
  .execute(database.db);

const fileMb = async () => {
  await sql`pragma wal_checkpoint(truncate)`.execute(database.db);
  return Math.round((await Deno.stat(file)).size / 1e5) / 10;
};
const before = await fileMb();

const watch = watchEventLoop(5);
const started = performance.now();
const pruned = await pruneStore({
  database,
  queue,
  store,
  retentionDays: 30,
  retentionReviewsDays: 365,
  now: () => now,
  batch: BATCH,
});
const ms = Math.round(performance.now() - started);
const { longestGapMs } = watch.stop();
const after = await fileMb();

console.log(JSON.stringify({
  bench: "prune",
  rows: pruned.jobs + pruned.deliveries,
  batch: BATCH ?? PRUNE_BATCH,
  ms,
  max_stall_ms: Math.round(longestGapMs),
  pages_freed: pruned.pagesFreed,
  file_mb_before: before,
  file_mb_after: after,
}));
await queue.close();
await database.close();
await Deno.remove(dir, { recursive: true });
