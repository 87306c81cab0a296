/**
 * failJob: records a failed attempt, then schedules the next one or declares the job dead. A rate
 * limit is a wait, not a failure: it gives its attempt back, up to the job's total wait budget.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";
import {
  backoffMs,
  classifyError,
  errorMessage,
  MAX_WAIT_MS,
  rateLimitBackoffMs,
} from "./errors.ts";
import type { Job } from "./job.ts";
import { stillHeld } from "./_fence.ts";
import { willRetry } from "./will_retry.ts";
import { claimScore } from "./lanes.ts";

/** What became of a failed job. */
export type FailOutcome =
  | { status: "queued"; runAt: number }
  | { status: "dead" }
  | { status: "lost" };

/**
 * Records `error` on `job`. A retryable error with attempts left re-queues the job after the
 * delay the error carries (e.g. Retry-After) or exponential backoff with jitter; a permanent
 * error, or the last attempt, makes it `dead` with the reason. A rate limit (429) re-queues it
 * without spending an attempt, adding the wait to the job's `rate_limit_waited_ms`; once that
 * reaches `q.maxRateLimitWaitMs` the job is `dead`, saying so. Every delay is capped at
 * {@link MAX_WAIT_MS} (and a rate limit's at the budget left), so no Retry-After parks a job for
 * ever. `lost` means `job`'s claim is no longer the current one (the job was cancelled, its lease
 * expired, or it was claimed again since: see `_fence.ts`), so nothing was written: a stale run
 * neither ends the job nor counts an attempt against a newer claim.
 */
export async function failJob(
  q: QueueContext,
  workerId: string,
  job: Job,
  error: unknown,
): Promise<FailOutcome> {
  const now = q.now();
  const { retryAfterMs, rateLimited } = classifyError(error);
  const budgetLeft = Math.max(0, q.maxRateLimitWaitMs - job.rateLimitWaitedMs);
  const waits = rateLimited && budgetLeft > 0;
  const message = rateLimited && !waits
    ? `rate limited for ${Math.round(job.rateLimitWaitedMs / 1000)} s in all, the most a job ` +
      `waits (LOOM_MAX_RATE_LIMIT_WAIT_S): ${errorMessage(error)}`
    : errorMessage(error);
  const errors = JSON.stringify([...job.errors, { at: now, attempt: job.attempts, message }]);
  const retry = willRetry(q, job, error);
  const asked = retryAfterMs ??
    (rateLimited
      ? rateLimitBackoffMs(job.rateLimitWaitedMs, q.backoff)
      : backoffMs(job.attempts, q.backoff));
  // A wait is at least the base backoff, so a remote answering "429, Retry-After: 0" for ever
  // still spends the budget instead of spinning the job without end.
  const floor = waits ? Math.min(q.backoff.baseMs, budgetLeft) : 0;
  const delay = Math.round(
    Math.max(floor, Math.min(asked, MAX_WAIT_MS, waits ? budgetLeft : MAX_WAIT_MS)),
  );
  const runAt = now + delay;
  // A wait gives back the attempt its claim counted, as a postpone does.
  const given = waits ? 1 : 0;
  const waited = waits ? delay : 0;
  const result = retry
    ? await sql`
      update jobs
      set status = 'queued', run_at = ${runAt}, score = ${claimScore(job.lane, runAt, q.agingMs)},
          attempts = attempts - ${given}, rate_limit_waited_ms = rate_limit_waited_ms + ${waited},
          locked_by = null, locked_until = null, last_error = ${message}, errors = ${errors},
          updated_at = ${now}
      where ${stillHeld(workerId, [job])}`.execute(q.db)
    : await sql`
      update jobs
      set status = 'dead', locked_by = null, locked_until = null, last_error = ${message},
          errors = ${errors}, finished_at = ${now}, updated_at = ${now}
      where ${stillHeld(workerId, [job])}`.execute(q.db);
  if (Number(result.numAffectedRows ?? 0) === 0) return { status: "lost" };
  return retry ? { status: "queued", runAt } : { status: "dead" };
}
