/**
 * cancelReviewsOfJobs: ends as `cancelled` the running reviews that cancelled `review` jobs
 * created. A review row belongs to the `review` job that made it (`reviews.job_id`), whose
 * payload names no review: cancelling that job by its group must reach the row this way, or the
 * review stays `running` for ever.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** Ends each still-running review of the jobs `jobIds` as `cancelled` with `reason`; counts them. */
export async function cancelReviewsOfJobs(
  db: Kysely<Tables>,
  jobIds: readonly number[],
  reason: string,
  now: number,
): Promise<number> {
  if (jobIds.length === 0) return 0;
  const result = await sql`
    update reviews set status = 'cancelled', error = ${reason}, finished_at = ${now},
      duration_ms = ${now} - created_at
    where status = 'running' and job_id in (${sql.join(jobIds)})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
