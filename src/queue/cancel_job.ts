/**
 * cancelJob: stops a job that has not finished.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";
import { getJob } from "./get_job.ts";
import type { Job } from "./job.ts";

/**
 * Cancels job `id` if it is queued or running. A running job's handler sees its AbortSignal
 * fire: at once in this process, at its next heartbeat on another node. Returns the job as it is
 * afterwards, or null when no such job exists.
 */
export async function cancelJob(
  q: QueueContext,
  id: number,
  reason = "cancelled",
): Promise<Job | null> {
  const now = q.now();
  await sql`
    update jobs
    set status = 'cancelled', last_error = ${reason}, finished_at = ${now}, updated_at = ${now}
    where id = ${id} and status in ('queued', 'running')`.execute(q.db);
  for (const listener of q.cancellations) listener(id);
  return await getJob(q, id);
}
