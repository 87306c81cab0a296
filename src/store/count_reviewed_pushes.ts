/**
 * countReviewedPushes: how many automatic reviews of a pull request ran to the end, for
 * `review.auto_pause_after`.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";
import type { PullRequestRef } from "./pull_request_pause.ts";

/**
 * The pull request's reviews started after `since` that an event asked for (not a command) and
 * that were published (`succeeded`): skipped, cancelled and failed reviews cost the team nothing
 * to read, and a command is a person asking on purpose. Uses the `reviews_pr` index.
 */
export async function countReviewedPushes(
  db: Kysely<Tables>,
  { repo, pr }: PullRequestRef,
  since: number,
): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`
    select count(*) as n from reviews
    where platform = ${repo.platform} and repository = ${repo.fullName} and pr_number = ${pr}
      and trigger <> 'command' and status = 'succeeded' and created_at > ${since}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}
