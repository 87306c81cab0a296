/**
 * The `close` job: cancels a pull request's unfinished jobs once the platform confirms that it is
 * closed, so that a close event's unsigned name (a replayed delivery) cancels nothing.
 * @module
 */
import { cancelReviews } from "../../cancel_reviews.ts";
import type { TypedHandler } from "../../jobs.ts";
import { PermanentError } from "../../queue/mod.ts";
import type { ReviewJobDeps } from "./deps.ts";

/** The handler of `close` jobs. */
export function closeJob(deps: ReviewJobDeps): TypedHandler<"close"> {
  return async ({ payload }) => {
    const adapter = deps.adapters[payload.repo.platform];
    if (!adapter) throw new PermanentError(`platform ${payload.repo.platform} is not configured`);
    const pr = await adapter.getPullRequest(payload.repo, payload.pr);
    const where = `${payload.repo.fullName}#${payload.pr}`;
    // Its reviews are kept while it is open, and for the reviews retention once it closed.
    await deps.store.recordPullRequestState(
      payload.repo,
      payload.pr,
      pr.state === "open" ? "open" : "closed",
      (deps.now ?? Date.now)(),
    );
    if (pr.state === "open") {
      deps.log.warn("close event for an open pull request: nothing cancelled", {
        pull_request: where,
      });
      return;
    }
    const cancelled = await cancelReviews(
      deps,
      payload.group,
      `the pull request was ${pr.state}`,
    );
    deps.log.info("pull request closed: unfinished jobs cancelled", {
      pull_request: where,
      state: pr.state,
      cancelled: cancelled.length,
    });
  };
}
