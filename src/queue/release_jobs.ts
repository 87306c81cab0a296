/**
 * releaseJobs: hands running jobs back to the queue untouched, for a worker that is shutting down.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";

/**
 * Returns `ids` held by this worker to `queued`, runnable at once, without counting the attempt:
 * the job did not fail, its worker is stopping. Returns how many were released.
 */
export async function releaseJobs(
  q: QueueContext,
  workerId: string,
  ids: readonly number[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const now = q.now();
  const result = await sql`
    update jobs
    set status = 'queued', attempts = attempts - 1, run_at = ${now}, locked_by = null,
        locked_until = null, updated_at = ${now}
    where id in (${sql.join(ids.map((id) => sql`${id}`))})
      and status = 'running' and locked_by = ${workerId}`.execute(q.db);
  return Number(result.numAffectedRows ?? 0);
}
