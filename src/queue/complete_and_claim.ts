/**
 * completeAndClaim: a worker's ended runs and the slots they free, in one commit: marks the jobs
 * of its finished claims succeeded and claims as many runnable jobs as it has room for.
 * @module
 */
import { sql } from "kysely";
import type { QueueContext } from "./context.ts";
import { claimJobs, type ClaimOptions, claimStatement } from "./claim_jobs.ts";
import { completeJobs, completeStatement, MAX_CLAIMS } from "./complete_jobs.ts";
import { type Claim, type Job, type JobRow, rowToJob } from "./job.ts";

/** What {@link completeAndClaim} did: the ids it marked succeeded, and the jobs it claimed. */
export interface Exchange {
  done: number[];
  jobs: Job[];
}

/**
 * Does what {@link completeJobs} and then {@link claimJobs} do, as one commit: a slot freed by a
 * finished run is refilled without a commit of its own, and without a second round trip on
 * PostgreSQL, where both updates go in one statement. The completions are fenced as ever (see
 * `_fence.ts`): an id missing from `done` was not this worker's to end. The jobs it marks
 * succeeded are `running` and the ones it claims `queued`, so neither update sees the other's
 * rows, and the claim counts attempts and moves claim tokens exactly as a claim alone does.
 */
export async function completeAndClaim(
  q: QueueContext,
  workerId: string,
  claims: readonly Claim[],
  limit: number,
  options: ClaimOptions,
): Promise<Exchange> {
  if (limit <= 0 || options.kinds.length === 0) {
    return { done: await completeJobs(q, workerId, claims), jobs: [] };
  }
  if (claims.length === 0) return { done: [], jobs: await claimJobs(q, workerId, limit, options) };
  if (claims.length > MAX_CLAIMS) {
    // Beyond one statement's parameters: the rest first, then this exchange with the last slice.
    const cut = claims.length - MAX_CLAIMS;
    const done = await completeJobs(q, workerId, claims.slice(0, cut));
    const last = await completeAndClaim(q, workerId, claims.slice(cut), limit, options);
    return { done: [...done, ...last.done], jobs: last.jobs };
  }
  const now = q.now();
  if (q.store === "postgres") {
    // A full join on false keeps each side's rows apart: a completed id, or a claimed row.
    const result = await sql<JobRow & { done_id: number | null }>`
      with done as (${completeStatement(workerId, claims, now)}),
        claimed as (${claimStatement(q, workerId, limit, options, now)})
      select done.id as done_id, claimed.*
      from done full join claimed on false`.execute(q.relaxedDb);
    const done: number[] = [];
    const jobs: Job[] = [];
    for (const row of result.rows) {
      if (row.done_id !== null) done.push(Number(row.done_id));
      else jobs.push(rowToJob(row));
    }
    return { done, jobs: jobs.sort((a, b) => a.id - b.id) };
  }
  // SQLite has one writer: a transaction of the two statements is one commit.
  return await q.relaxedDb.transaction().execute(async (trx) => {
    const inTransaction = { ...q, db: trx, relaxedDb: trx };
    const done = await completeJobs(inTransaction, workerId, claims);
    const jobs = await claimJobs(inTransaction, workerId, limit, options);
    return { done, jobs };
  });
}
