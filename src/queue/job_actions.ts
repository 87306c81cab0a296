/**
 * Which jobs an operator may retry or cancel, said once for the admin API and `loom jobs`.
 * The queue's own SQL (`retry_job.ts`, `cancel_job.ts`) applies the same rule to the row.
 * @module
 */
import type { Job } from "./job.ts";

/** What an operator can do to a job. */
export type JobAction = "retry" | "cancel";

/**
 * Why `job` cannot take `action` now, or null when it can: only a dead or cancelled job is
 * retried, only a queued or running one cancelled.
 */
export function refusal(job: Job, action: JobAction): string | null {
  if (action === "retry" && job.status !== "dead" && job.status !== "cancelled") {
    return `job ${job.id} is ${job.status}: only dead or cancelled jobs can be retried`;
  }
  if (action === "cancel" && job.status !== "queued" && job.status !== "running") {
    return `job ${job.id} is ${job.status}: only queued or running jobs can be cancelled`;
  }
  return null;
}
