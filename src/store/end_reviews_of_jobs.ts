/**
 * endReviewsOfJobs: ends the running reviews that `review` jobs created, as `cancelled` (the job
 * was cancelled) or `failed` (its last attempt failed before it reached the row's own ending). A
 * review row belongs to the `review` job that made it (`reviews.job_id`), whose payload names no
 * review: ending that job must reach the row this way, or the review stays `running` for ever.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** Ends each still-running review of the jobs `jobIds` with `status` and `reason`; counts them. */
export async function endReviewsOfJobs(
  db: Kysely<Tables>,
  jobIds: readonly number[],
  status: "cancelled" | "failed",
  reason: string,
  now: number,
): Promise<number> {
  if (jobIds.length === 0) return 0;
  const result = await sql`
    update reviews set status = ${status}, error = ${reason}, finished_at = ${now},
      duration_ms = ${now} - created_at
    where status = 'running' and job_id in (${sql.join(jobIds)})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
