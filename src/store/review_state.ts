/**
 * The review state of a pull request as the store hands it out.
 * @module
 */

/** What the last completed review of a pull request read; see `review_states` in the tables. */
export interface ReviewState {
  headSha: string;
  mergeBase: string | null;
  configFingerprint: string;
  reviewId: number;
  summaryCommentId: string | null;
  updatedAt: number;
}
