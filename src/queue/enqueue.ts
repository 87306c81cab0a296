/**
 * enqueue: adds a job, durably, and wakes idle workers.
 * @module
 */
import { sql } from "kysely";
import type { Lane } from "../db/tables.ts";
import type { QueueContext } from "./context.ts";
import { claimScore } from "./lanes.ts";

/** Options of {@link enqueue}. */
export interface EnqueueOptions {
  /** Not before this time (epoch ms). Default: now. */
  runAt?: number;
  /** Attempts before the job is dead. Default 3. */
  maxAttempts?: number;
  /** While a job with this key is queued or running, enqueueing the key again adds nothing. */
  dedupeKey?: string;
}

/** What {@link enqueue} did: the job id, and whether a new job was created. */
export interface EnqueueResult {
  id: number;
  created: boolean;
}

/**
 * Adds a job. When it returns, the job is committed to the store.
 *
 * @example
 * const { id } = await enqueue(q, "review", "normal", { pr: 42 }, { dedupeKey: "gh:o/r#42" });
 */
export async function enqueue(
  q: QueueContext,
  kind: string,
  lane: Lane,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<EnqueueResult> {
  const now = q.now();
  const runAt = options.runAt ?? now;
  const maxAttempts = options.maxAttempts ?? 3;
  const dedupeKey = options.dedupeKey ?? null;
  const inserted = await sql<{ id: number }>`
    insert into jobs (kind, lane, payload, status, attempts, max_attempts, run_at, score,
                      errors, dedupe_key, created_at, updated_at)
    values (${kind}, ${lane}, ${JSON.stringify(payload ?? null)}, 'queued', 0, ${maxAttempts},
            ${runAt}, ${claimScore(lane, runAt, q.agingMs)}, '[]', ${dedupeKey}, ${now}, ${now})
    on conflict (dedupe_key) where status in ('queued', 'running') do nothing
    returning id`.execute(q.db);
  const row = inserted.rows[0];
  if (row) {
    q.wakeup.notify();
    return { id: Number(row.id), created: true };
  }
  const existing = await sql<{ id: number }>`
    select id from jobs where dedupe_key = ${dedupeKey} and status in ('queued', 'running')
  `.execute(q.db);
  if (!existing.rows[0]) {
    // The active job finished between our insert and our look-up: its key is free again.
    return enqueue(q, kind, lane, payload, options);
  }
  return { id: Number(existing.rows[0].id), created: false };
}
