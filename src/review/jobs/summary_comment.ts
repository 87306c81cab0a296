/**
 * Posting the summary comment: found again by its marker and edited in place, recorded on the
 * review, and left alone when its text has not changed.
 * @module
 */
import type { GitAdapter, PostedComment, PullRequest, RepoRef } from "../../platform/mod.ts";
import type { ReviewStore } from "../../store/mod.ts";

/** Posts or updates the pull request's one summary comment; returns its id. */
export async function postSummaryComment(
  store: ReviewStore,
  adapter: GitAdapter,
  repo: RepoRef,
  pr: PullRequest,
  reviewId: number,
  body: string,
  existing?: PostedComment[],
): Promise<string> {
  const comments = existing ?? await adapter.listComments(repo, pr);
  const previous = comments.find((c) => c.kind === "summary");
  const unchanged = previous && normalise(previous.body).includes(normalise(body));
  const posted = unchanged ? previous : await adapter.postSummary(repo, pr, body, previous);
  await store.recordSummaryComment(reviewId, posted.id, body);
  return posted.id;
}

function normalise(text: string): string {
  return text.replaceAll("\r\n", "\n").trim();
}
