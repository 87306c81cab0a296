/**
 * Which jobs an operator may retry or cancel, and doing it, said once for the admin API,
 * `loom jobs` and the dashboard.
 * The queue's own SQL (`retry_job.ts`, `cancel_job.ts`) applies the same rule to the row.
 * @module
 */
import { cancelJob } from "./cancel_job.ts";
import type { QueueContext } from "./context.ts";
import { DedupeKeyHeldError } from "./dedupe_key_held.ts";
import { getJob } from "./get_job.ts";
import type { Job } from "./job.ts";
import { retryJob } from "./retry_job.ts";

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

/** What {@link actOnJob} did: the job afterwards, or why nothing was done. */
export type JobActionResult =
  | { done: true; job: Job }
  | { done: false; why: "no job" | "refused" | "key held"; message: string; heldBy?: number };

/**
 * Retries or cancels job `id` as an operator asked (the admin API, `loom jobs`, the dashboard),
 * each answering the same way: no such job, refused by {@link refusal}, or a retry refused
 * because a newer job holds its dedupe key ({@link DedupeKeyHeldError}).
 */
export async function actOnJob(
  q: QueueContext,
  id: number,
  action: JobAction,
  reason: string,
): Promise<JobActionResult> {
  const before = await getJob(q, id);
  if (!before) return { done: false, why: "no job", message: `no job ${id}` };
  const refused = refusal(before, action);
  if (refused) return { done: false, why: "refused", message: refused };
  try {
    const job = action === "retry" ? await retryJob(q, id) : await cancelJob(q, id, reason);
    // Deleted between the read and the write (pruned): as if it had never been there.
    return job ? { done: true, job } : { done: false, why: "no job", message: `no job ${id}` };
  } catch (error) {
    if (!(error instanceof DedupeKeyHeldError)) throw error;
    return { done: false, why: "key held", message: error.message, heldBy: error.heldBy };
  }
}
