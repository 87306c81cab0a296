/**
 * headReviewed: whether a head commit of a pull request has a published review.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";
import type { PullRequestRef } from "./pull_request_pause.ts";

/** True when a review of `headSha` on the pull request succeeded (was published). */
export async function headReviewed(
  db: Kysely<Tables>,
  { repo, pr }: PullRequestRef,
  headSha: string,
): Promise<boolean> {
  const { rows } = await sql<{ one: number }>`
    select 1 as one from reviews
    where platform = ${repo.platform} and repository = ${repo.fullName} and pr_number = ${pr}
      and head_sha = ${headSha} and status = 'succeeded'
    limit 1`.execute(db);
  return rows.length > 0;
}
