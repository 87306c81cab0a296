/**
 * listJobs: a page of jobs, newest first, filtered by status, lane and kind.
 * @module
 */
import type { Lane } from "../db/mod.ts";
import type { QueueContext } from "./context.ts";
import { type Job, type JobRow, type JobStatus, rowToJob } from "./job.ts";

/** Filters and paging of {@link listJobs}. */
export interface ListJobsOptions {
  status?: JobStatus;
  lane?: Lane;
  kind?: string;
  /** Page size, 1..500; default 50. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: number;
}

/** A page of jobs; `nextCursor` is null on the last page. */
export interface JobPage {
  jobs: Job[];
  nextCursor: number | null;
}

/** Lists jobs by descending id (keyset paging: stable while new jobs arrive). */
export async function listJobs(q: QueueContext, options: ListJobsOptions = {}): Promise<JobPage> {
  const limit = Math.min(500, Math.max(1, options.limit ?? 50));
  let query = q.db.selectFrom("jobs").selectAll().orderBy("id", "desc").limit(limit + 1);
  if (options.status) query = query.where("status", "=", options.status);
  if (options.lane) query = query.where("lane", "=", options.lane);
  if (options.kind) query = query.where("kind", "=", options.kind);
  if (options.cursor !== undefined) query = query.where("id", "<", options.cursor);
  const rows = (await query.execute()) as JobRow[];
  const jobs = rows.slice(0, limit).map(rowToJob);
  return { jobs, nextCursor: rows.length > limit ? jobs[jobs.length - 1].id : null };
}
