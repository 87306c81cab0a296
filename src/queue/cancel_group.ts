/**
 * cancelGroup: stops every unfinished job of one pull request, except those it should keep.
 * @module
 */
import { sql } from "kysely";
import { cancelJob } from "./cancel_job.ts";
import type { QueueContext } from "./context.ts";
import { type JobRow, rowToJob } from "./job.ts";

/**
 * Cancels the queued and running jobs of `groupKey` for which `keep` is false (e.g. jobs of the
 * same head commit when a redelivery arrives); returns the ids cancelled. Each goes through
 * {@link cancelJob}, so running handlers are aborted.
 */
export async function cancelGroup(
  q: QueueContext,
  groupKey: string,
  reason: string,
  keep: (payload: unknown) => boolean = () => false,
): Promise<number[]> {
  const active = await sql<JobRow>`
    select * from jobs where group_key = ${groupKey} and status in ('queued', 'running')
  `.execute(q.db);
  const cancelled: number[] = [];
  for (const job of active.rows.map(rowToJob)) {
    if (keep(job.payload)) continue;
    await cancelJob(q, job.id, reason);
    cancelled.push(job.id);
  }
  return cancelled;
}
