/**
 * pruneFinishedJobs: forgets jobs that ended (succeeded, dead, cancelled) longer ago than the
 * retention, a batch at a time. Queued and running jobs, and the postponed maintenance jobs that
 * recur, are never touched.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";

/**
 * Deletes up to `limit` jobs that finished before `before` (epoch ms), oldest first, through the
 * `jobs_finished` index; returns how many went. Job ids are never reused (SQLite AUTOINCREMENT,
 * PostgreSQL sequences), so a review row naming a pruned job cannot come to name another.
 */
export async function pruneFinishedJobs(
  q: QueueContext,
  before: number,
  limit: number,
): Promise<number> {
  const result = await sql`
    delete from jobs where id in (
      select id from jobs
      where status in ('succeeded', 'dead', 'cancelled') and finished_at < ${before}
      order by finished_at limit ${limit})`.execute(q.db);
  return Number(result.numAffectedRows ?? 0);
}
