/**
 * postponeJob: a running job that must wait for others goes back to the queue without counting
 * an attempt, until a time or until {@link resumeJob} says it may run.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";
import type { Job } from "./job.ts";
import { stillHeld } from "./_fence.ts";
import { claimScore } from "./lanes.ts";

/**
 * What a handler returns instead of finishing: its job waits until `until` (epoch ms) or until
 * resumed, and runs next with `payload` when given (a job that goes in stages records its stage
 * there, so a later run knows what an earlier one did).
 */
export interface Postpone {
  postpone: { until: number; payload?: unknown };
}

/**
 * Puts `job` back to `queued`, fenced like every completion (only its current claim may: see
 * `_fence.ts`). The
 * attempt its claim counted is given back: waiting is not failing. When {@link resumeJob} ran
 * while the job was running (its `run_at` moved), the job is due at once, so a resume arriving
 * just before the postpone is never lost. Returns false when `job`'s claim was no longer the current one.
 */
export async function postponeJob(
  q: QueueContext,
  workerId: string,
  job: Job,
  postpone: Postpone["postpone"],
): Promise<boolean> {
  const now = q.now();
  const payload = postpone.payload === undefined ? null : JSON.stringify(postpone.payload);
  const resumed = sql`run_at <> ${job.runAt}`;
  // Typed, since PostgreSQL cannot infer a type for a CASE whose every branch is a parameter.
  const big = (n: number) => sql`cast(${n} as bigint)`;
  const result = await sql`
    update jobs
    set status = 'queued', attempts = attempts - 1, payload = coalesce(cast(${payload} as text), payload),
        run_at = case when ${resumed} then ${big(now)} else ${big(postpone.until)} end,
        score = case when ${resumed} then ${big(claimScore(job.lane, now, q.agingMs))}
                     else ${big(claimScore(job.lane, postpone.until, q.agingMs))} end,
        locked_by = null, locked_until = null, updated_at = ${now}
    where ${stillHeld(workerId, [job])}`.execute(q.db);
  // Due at once (a resume came, or `until` is now): idle workers here need not wait for a poll.
  q.wakeup.notify();
  return Number(result.numAffectedRows ?? 0) > 0;
}
