/**
 * willRetry: whether a failure sends a job back to the queue or ends it, decided once for the
 * queue (failJob) and for handlers that must act on a job's last failure (a pipeline records
 * its failed run so the review is still published).
 * @module
 */
import type { QueueContext } from "./context.ts";
import { classifyError } from "./errors.ts";
import type { Job } from "./job.ts";

/**
 * True when failing `job` with `error` re-queues it: a rate limit within the job's wait budget
 * (`LOOM_MAX_RATE_LIMIT_WAIT_S`), or another retryable error with attempts left.
 */
export function willRetry(q: QueueContext, job: Job, error: unknown): boolean {
  const { retryable, rateLimited } = classifyError(error);
  if (rateLimited) return q.maxRateLimitWaitMs - job.rateLimitWaitedMs > 0;
  return retryable && job.attempts < job.maxAttempts;
}
