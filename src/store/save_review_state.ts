/**
 * saveReviewState: records what a completed review of a pull request read, replacing the last.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Tables } from "../db/mod.ts";
import type { ReviewState } from "./review_state.ts";

/** Sets the pull request's review state to `state` (one row per pull request). */
export async function saveReviewState(
  db: Kysely<Tables>,
  repo: { platform: string; fullName: string },
  pr: number,
  state: ReviewState,
): Promise<void> {
  await sql`
    insert into review_states (platform, repository, pr_number, head_sha, merge_base,
                               config_fingerprint, review_id, summary_comment_id, updated_at)
    values (${repo.platform}, ${repo.fullName}, ${pr}, ${state.headSha}, ${state.mergeBase},
            ${state.configFingerprint}, ${state.reviewId}, ${state.summaryCommentId},
            ${state.updatedAt})
    on conflict (platform, repository, pr_number) do update set
      head_sha = excluded.head_sha, merge_base = excluded.merge_base,
      config_fingerprint = excluded.config_fingerprint, review_id = excluded.review_id,
      summary_comment_id = excluded.summary_comment_id, updated_at = excluded.updated_at`
    .execute(db);
}
