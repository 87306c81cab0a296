/**
 * findByDedupeKey: the newest job enqueued under a dedupe key, whatever its status.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";
import { type Job, type JobRow, rowToJob } from "./job.ts";

/**
 * The newest job with `dedupeKey`, or null. A key is unique only among unfinished jobs, so the
 * newest is the one that decides how the work it names ended (e.g. a pipeline that went dead).
 */
export async function findByDedupeKey(q: QueueContext, dedupeKey: string): Promise<Job | null> {
  const result = await sql<JobRow>`
    select * from jobs where dedupe_key = ${dedupeKey} order by id desc limit 1
  `.execute(q.db);
  return result.rows[0] ? rowToJob(result.rows[0]) : null;
}
