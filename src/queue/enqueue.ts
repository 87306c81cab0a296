/**
 * enqueue: adds jobs, durably, in one statement however many, and wakes idle workers.
 * @module
 */
import { sql } from "kysely";
import type { Lane } from "../db/mod.ts";
import type { QueueContext } from "./context.ts";
import { claimScore } from "./lanes.ts";

/** Options of an enqueued job. */
export interface EnqueueOptions {
  /** Not before this time (epoch ms). Default: now. */
  runAt?: number;
  /** Attempts before the job is dead. Default 3. */
  maxAttempts?: number;
  /** While a job with this key is queued or running, enqueueing the key again adds nothing. */
  dedupeKey?: string;
  /** The pull request the job belongs to (`platform:repo#number`); see `cancelGroup`. */
  groupKey?: string;
}

/** Rows per insert statement. */
const MAX_ROWS = 500;

/** One job to add. */
export interface NewJob {
  kind: string;
  lane: Lane;
  payload: unknown;
  options?: EnqueueOptions;
}

/** What enqueueing did: the job id, and whether a new job was created (false: deduped). */
export interface EnqueueResult {
  id: number;
  created: boolean;
}

/**
 * Adds `jobs` in one multi-row insert: when it returns, all are committed. A job whose dedupe key
 * is held by an active job (or by an earlier job of the same batch) gets that job's id instead.
 *
 * @example
 * ```ts
 * import { migrateToLatest, openDatabase } from "../db/mod.ts";
 * import { enqueue } from "./enqueue.ts";
 * import { createQueue } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const store = await openDatabase(":memory:");
 * await migrateToLatest(store);
 * const queue = await createQueue(store);
 * const job = {
 *   kind: "review",
 *   lane: "normal",
 *   payload: { pr: 42 },
 *   options: { dedupeKey: "pr-42" },
 * } as const;
 * const [first, again] = await enqueue(queue.context, [job, job]);
 * assert.deepEqual(again, { id: first.id, created: false });
 * await store.close();
 * ```
 */
export async function enqueue(q: QueueContext, jobs: readonly NewJob[]): Promise<EnqueueResult[]> {
  if (jobs.length === 0) return [];
  if (jobs.length > MAX_ROWS) {
    // SQLite caps a statement's parameters (32,766); 12 a row, so large batches go in slices.
    const results: EnqueueResult[] = [];
    for (let i = 0; i < jobs.length; i += MAX_ROWS) {
      results.push(...await enqueue(q, jobs.slice(i, i + MAX_ROWS)));
    }
    return results;
  }
  const now = q.now();
  const rows = jobs.map((job) => {
    const runAt = job.options?.runAt ?? now;
    return sql`(${job.kind}, ${job.lane}, ${JSON.stringify(job.payload ?? null)}, 'queued', 0,
      ${job.options?.maxAttempts ?? 3}, ${runAt}, ${claimScore(job.lane, runAt, q.agingMs)}, '[]',
      ${job.options?.dedupeKey ?? null}, ${job.options?.groupKey ?? null}, ${now}, ${now})`;
  });
  const inserted = await sql<{ id: number; dedupe_key: string | null }>`
    insert into jobs (kind, lane, payload, status, attempts, max_attempts, run_at, score,
                      errors, dedupe_key, group_key, created_at, updated_at)
    values ${sql.join(rows)}
    on conflict (dedupe_key) where status in ('queued', 'running') do nothing
    returning id, dedupe_key`.execute(q.db);
  if (inserted.rows.length > 0) q.wakeup.notify();

  // One statement draws its ids in row order, so the ascending ids of the key-less rows match
  // the key-less jobs in order; keyed rows are matched by key.
  const keyless = inserted.rows.filter((r) => r.dedupe_key === null).map((r) => Number(r.id))
    .sort((a, b) => a - b);
  const byKey = new Map(
    inserted.rows.filter((r) => r.dedupe_key !== null).map((r) => [r.dedupe_key!, Number(r.id)]),
  );
  const results: EnqueueResult[] = [];
  const claimedKeys = new Set<string>();
  let next = 0;
  for (const job of jobs) {
    const key = job.options?.dedupeKey;
    if (key === undefined) {
      results.push({ id: keyless[next++], created: true });
    } else if (byKey.has(key) && !claimedKeys.has(key)) {
      claimedKeys.add(key);
      results.push({ id: byKey.get(key)!, created: true });
    } else {
      results.push(await activeJobWithKey(q, job, key));
    }
  }
  return results;
}

async function activeJobWithKey(q: QueueContext, job: NewJob, key: string): Promise<EnqueueResult> {
  const existing = await sql<{ id: number }>`
    select id from jobs where dedupe_key = ${key} and status in ('queued', 'running')
  `.execute(q.db);
  if (existing.rows[0]) return { id: Number(existing.rows[0].id), created: false };
  // The active job finished between our insert and this look-up: its key is free again.
  const [result] = await enqueue(q, [job]);
  return result;
}
