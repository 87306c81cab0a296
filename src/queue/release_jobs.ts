/**
 * releaseJobs: hands running jobs back to the queue untouched, for a worker that is shutting down.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";
import { stillHeld } from "./_fence.ts";
import type { Claim } from "./job.ts";

/**
 * Returns the jobs of `claims` to `queued`, runnable at once, without counting the attempt: the
 * job did not fail, its worker is stopping. Only claims that are still current (see `_fence.ts`)
 * are released; returns how many were.
 */
export async function releaseJobs(
  q: QueueContext,
  workerId: string,
  claims: readonly Claim[],
): Promise<number> {
  if (claims.length === 0) return 0;
  const now = q.now();
  const result = await sql`
    update jobs
    set status = 'queued', attempts = attempts - 1, run_at = ${now}, locked_by = null,
        locked_until = null, updated_at = ${now}
    where ${stillHeld(workerId, claims)}`.execute(q.db);
  return Number(result.numAffectedRows ?? 0);
}
