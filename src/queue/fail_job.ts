/**
 * failJob: records a failed attempt, then schedules the next one or declares the job dead.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";
import { backoffMs, classifyError, errorMessage } from "./errors.ts";
import type { Job } from "./job.ts";
import { claimScore } from "./lanes.ts";

/** What became of a failed job. */
export type FailOutcome =
  | { status: "queued"; runAt: number }
  | { status: "dead" }
  | { status: "lost" };

/**
 * Records `error` on `job`. A retryable error with attempts left re-queues the job after the
 * delay the error carries (e.g. Retry-After) or exponential backoff with jitter; a permanent
 * error, or the last attempt, makes it `dead` with the reason. `lost` means this worker no longer
 * held the job (cancelled or lease expired), so nothing was written.
 */
export async function failJob(
  q: QueueContext,
  workerId: string,
  job: Job,
  error: unknown,
): Promise<FailOutcome> {
  const now = q.now();
  const message = errorMessage(error);
  const { retryable, retryAfterMs } = classifyError(error);
  const errors = JSON.stringify([...job.errors, { at: now, attempt: job.attempts, message }]);
  const retry = retryable && job.attempts < job.maxAttempts;
  const runAt = now + (retryAfterMs ?? backoffMs(job.attempts, q.backoff));
  const result = retry
    ? await sql`
      update jobs
      set status = 'queued', run_at = ${runAt}, score = ${claimScore(job.lane, runAt, q.agingMs)},
          locked_by = null, locked_until = null, last_error = ${message}, errors = ${errors},
          updated_at = ${now}
      where id = ${job.id} and status = 'running' and locked_by = ${workerId}`.execute(q.db)
    : await sql`
      update jobs
      set status = 'dead', locked_by = null, locked_until = null, last_error = ${message},
          errors = ${errors}, finished_at = ${now}, updated_at = ${now}
      where id = ${job.id} and status = 'running' and locked_by = ${workerId}`.execute(q.db);
  if (Number(result.numAffectedRows ?? 0) === 0) return { status: "lost" };
  return retry ? { status: "queued", runAt } : { status: "dead" };
}
