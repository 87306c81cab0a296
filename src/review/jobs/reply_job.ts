/**
 * The `reply` job: answers a chat command (`/loom help`) with a comment, when its author may
 * command Loom (else it ends with nothing posted, the reason logged).
 * @module
 */
import type { TypedHandler } from "../../jobs.ts";
import { PermanentError } from "../../queue/mod.ts";
import { commandRefusal } from "./command_permission.ts";
import type { ReviewJobDeps } from "./deps.ts";

/** The handler of `reply` jobs. */
export function replyJob(deps: ReviewJobDeps): TypedHandler<"reply"> {
  return async ({ id, payload }) => {
    const adapter = deps.adapters[payload.repo.platform];
    if (!adapter) throw new PermanentError(`platform ${payload.repo.platform} is not configured`);
    const refused = await commandRefusal(deps, adapter, payload);
    if (refused) {
      return deps.log.info("command not obeyed", {
        job_id: id,
        repo: payload.repo.fullName,
        pr: payload.pr,
        reason: refused,
      });
    }
    const pr = await adapter.getPullRequest(payload.repo, payload.pr);
    await adapter.postComment(payload.repo, pr, payload.body);
  };
}
