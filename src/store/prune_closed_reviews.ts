/**
 * pruneClosedReviews: forgets the reviews, pipeline runs (findings), model usage, comment records and pauses
 * of pull requests closed longer ago than the reviews retention. While a pull request is open they stay,
 * however old: its comment records are what keeps a finding from being posted twice. A pull
 * request whose state Loom never learnt (`unknown`: reviewed before migration 0006) counts from its
 * newest review.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";

/** How many rows of each kind one call deleted. */
export interface PrunedReviews {
  pullRequests: number;
  reviews: number;
  pipelineRuns: number;
  comments: number;
}

/**
 * Deletes the records of up to `limit` pull requests last seen closed (or last heard of, when
 * unknown) before `before` (epoch ms), oldest first, then the pull requests themselves. A pull request
 * with more than `limit` reviews or comments is finished by the next calls.
 */
export async function pruneClosedReviews(
  db: Kysely<Tables>,
  before: number,
  limit: number,
): Promise<PrunedReviews> {
  const prs = await sql<{ id: number; platform: string; repository: string; pr_number: number }>`
    select id, platform, repository, pr_number from pull_requests
    where state <> 'open' and updated_at < ${before}
    order by updated_at limit ${limit}`.execute(db);
  const none = { pullRequests: 0, reviews: 0, pipelineRuns: 0, comments: 0 };
  if (prs.rows.length === 0) return none;
  const count = (r: { numAffectedRows?: bigint }) => Number(r.numAffectedRows ?? 0);
  const pruned = { ...none };
  for (const pr of prs.rows) {
    const where = sql`platform = ${pr.platform} and repository = ${pr.repository}
      and pr_number = ${pr.pr_number}`;
    const reviewIds = sql`select id from reviews where ${where} order by id limit ${limit}`;
    pruned.pipelineRuns += count(
      await sql`delete from pipeline_runs where review_id in (${reviewIds})`.execute(db),
    );
    // What their model calls cost goes with them: past the reviews retention, spend is history.
    await sql`delete from llm_usage where review_id in (${reviewIds})`.execute(db);
    await sql`delete from review_transcripts where review_id in (${reviewIds})`.execute(db);
    pruned.comments += count(
      await sql`delete from comments where id in (
        select id from comments where ${where} limit ${limit})`.execute(db),
    );
    pruned.reviews += count(await sql`delete from reviews where id in (${reviewIds})`.execute(db));
    // What the next push would be reviewed against: without its reviews it means nothing.
    await sql`delete from review_states where ${where}`.execute(db);
    // A pause of a pull request closed this long is moot; a reopened one starts unpaused.
    await sql`delete from pull_request_pauses where ${where}`.execute(db);
    // Gone once nothing of it is left (a large one takes several calls).
    pruned.pullRequests += count(
      await sql`delete from pull_requests where id = ${pr.id}
        and not exists (select 1 from reviews where ${where})
        and not exists (select 1 from comments where ${where})`.execute(db),
    );
  }
  return pruned;
}
