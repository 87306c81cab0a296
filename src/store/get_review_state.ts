/**
 * getReviewState: what the last completed review of a pull request read, or null.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { ReviewStatesTable, Tables } from "../db/mod.ts";
import type { ReviewState } from "./review_state.ts";

/** The pull request's review state, or null before its first completed review. */
export async function getReviewState(
  db: Kysely<Tables>,
  repo: { platform: string; fullName: string },
  pr: number,
): Promise<ReviewState | null> {
  const rows = await sql<ReviewStatesTable>`
    select * from review_states where platform = ${repo.platform}
      and repository = ${repo.fullName} and pr_number = ${pr}`.execute(db);
  const r = rows.rows[0];
  if (!r) return null;
  return {
    headSha: r.head_sha,
    mergeBase: r.merge_base,
    configFingerprint: r.config_fingerprint,
    reviewId: Number(r.review_id),
    summaryCommentId: r.summary_comment_id,
    updatedAt: Number(r.updated_at),
  };
}
