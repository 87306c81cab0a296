/**
 * retryJob: gives a dead or cancelled job a fresh set of attempts.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";
import { getJob } from "./get_job.ts";
import type { Job } from "./job.ts";
import { claimScore } from "./lanes.ts";

/**
 * Re-queues job `id` if it is `dead` or `cancelled`, runnable now, with its attempts and its rate
 * limit wait budget reset and its error history kept. Returns the job as it is afterwards, or null when no such job exists.
 * A job in another state is returned unchanged (check its status).
 */
export async function retryJob(q: QueueContext, id: number): Promise<Job | null> {
  const job = await getJob(q, id);
  if (!job || (job.status !== "dead" && job.status !== "cancelled")) return job;
  const now = q.now();
  await sql`
    update jobs
    set status = 'queued', attempts = 0, rate_limit_waited_ms = 0, run_at = ${now},
        score = ${claimScore(job.lane, now, q.agingMs)}, finished_at = null, updated_at = ${now}
    where id = ${id} and status in ('dead', 'cancelled')`.execute(q.db);
  q.wakeup.notify();
  return await getJob(q, id);
}
