/**
 * claimJobs: takes up to `limit` runnable jobs for one worker, in claim-score order.
 * @module
 */
import { type RawBuilder, sql } from "kysely";
import type { QueueContext } from "./context.ts";
import { type Job, type JobRow, rowToJob } from "./job.ts";

/** Options of {@link claimJobs}. */
export interface ClaimOptions {
  /** Only jobs of these kinds (the kinds this worker has handlers for). */
  kinds: readonly string[];
  /** How long the claim holds before another worker may take the job back. */
  leaseMs: number;
}

/**
 * Claims jobs in one statement: high lane before normal before low, FIFO within a lane, aged so
 * that nothing starves (see `lanes.ts`). Each claimed job counts one attempt, and gets a new
 * `claim_token`: the fence the operations made for this claim match (see `_fence.ts`).
 * SQLite has a single writer, so `UPDATE … RETURNING` over a sub-select is atomic; PostgreSQL
 * adds `FOR UPDATE SKIP LOCKED` so concurrent claimers on other nodes skip each other's rows.
 */
export async function claimJobs(
  q: QueueContext,
  workerId: string,
  limit: number,
  options: ClaimOptions,
): Promise<Job[]> {
  if (limit <= 0 || options.kinds.length === 0) return [];
  const result = await claimStatement(q, workerId, limit, options, q.now()).execute(q.relaxedDb);
  return result.rows.map(rowToJob).sort((a, b) => a.id - b.id);
}

/** The claim's `update … returning *`, for {@link claimJobs} and `complete_and_claim.ts`. */
export function claimStatement(
  q: QueueContext,
  workerId: string,
  limit: number,
  options: ClaimOptions,
  now: number,
): RawBuilder<JobRow> {
  const kinds = sql.join(options.kinds.map((k) => sql`${k}`));
  const lock = q.store === "postgres" ? sql`for update skip locked` : sql``;
  // SQLite's planner prefers the status index and then sorts every queued job; the claim index
  // is already in claim order, so the first `limit` matching rows are the answer.
  const claimIndex = q.store === "sqlite" ? sql`indexed by jobs_claim` : sql``;
  return sql<JobRow>`
    update jobs
    set status = 'running', attempts = attempts + 1, claim_token = claim_token + 1,
        locked_by = ${workerId},
        locked_until = ${now + options.leaseMs}, started_at = ${now}, updated_at = ${now}
    where id in (
      select id from jobs ${claimIndex}
      where status = 'queued' and run_at <= ${now} and kind in (${kinds})
      order by score, id
      limit ${limit}
      ${lock})
    returning *`;
}
