/**
 * The `reply` job: answers a chat command (`/loom help`) with a comment.
 * @module
 */
import type { TypedHandler } from "../../jobs.ts";
import { PermanentError } from "../../queue/mod.ts";
import type { ReviewJobDeps } from "./deps.ts";

/** The handler of `reply` jobs. */
export function replyJob(deps: ReviewJobDeps): TypedHandler<"reply"> {
  return async ({ payload }) => {
    const adapter = deps.adapters[payload.repo.platform];
    if (!adapter) throw new PermanentError(`platform ${payload.repo.platform} is not configured`);
    const pr = await adapter.getPullRequest(payload.repo, payload.pr);
    await adapter.postComment(payload.repo, pr, payload.body);
  };
}
