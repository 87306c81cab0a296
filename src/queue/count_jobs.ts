/**
 * countJobs: how many jobs are in each state, for health and metrics.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";
import type { JobStatus, Lane } from "./job.ts";

/** Jobs counted per kind, lane and status. */
export interface JobCount {
  kind: string;
  lane: Lane;
  status: JobStatus;
  count: number;
}

/** The states worth counting on every scrape; finished jobs only grow and are counted as events. */
export const ACTIVE_STATUSES: readonly JobStatus[] = ["queued", "running", "dead"];

/** Counts jobs in `statuses` by kind, lane and status (the status index keeps it cheap). */
export async function countJobs(
  q: QueueContext,
  statuses: readonly JobStatus[] = ACTIVE_STATUSES,
): Promise<JobCount[]> {
  const result = await sql<JobCount>`
    select kind, lane, status, count(*) as count from jobs
    where status in (${sql.join(statuses.map((s) => sql`${s}`))})
    group by kind, lane, status`.execute(q.db);
  return result.rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/** Totals per status, every status present (zero when none). */
export function totalsByStatus(counts: readonly JobCount[]): Record<JobStatus, number> {
  const totals: Record<JobStatus, number> = {
    queued: 0,
    running: 0,
    succeeded: 0,
    dead: 0,
    cancelled: 0,
  };
  for (const c of counts) totals[c.status] += c.count;
  return totals;
}
