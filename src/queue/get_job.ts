/**
 * getJob: one job by id.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";
import { type Job, type JobRow, rowToJob } from "./job.ts";

/** The job with `id`, or null. */
export async function getJob(q: QueueContext, id: number): Promise<Job | null> {
  const result = await sql<JobRow>`select * from jobs where id = ${id}`.execute(q.db);
  return result.rows[0] ? rowToJob(result.rows[0]) : null;
}
