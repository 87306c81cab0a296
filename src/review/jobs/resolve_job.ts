/**
 * The `resolve` job: `/loom resolve` resolves the thread of every finding of Loom's still open on
 * the pull request, when its author may command Loom (else nothing changes, the reason logged),
 * and answers with a count.
 *
 * The findings become `dismissed` by the command's author: a writer said they are settled, and
 * Loom cannot tell whether they were fixed. Dismissed, they stay quiet on every later review of
 * the pull request, full ones included, and no longer count in its status.
 * @module
 */
import type { TypedHandler } from "../../jobs.ts";
import { escapeInline } from "../../markdown/mod.ts";
import { type GitAdapter, PlatformError, type ResolveOutcome } from "../../platform/mod.ts";
import { PermanentError } from "../../queue/mod.ts";
import { commandRefusal } from "./command_permission.ts";
import type { ReviewJobDeps } from "./deps.ts";

/** The handler of `resolve` jobs. */
export function resolveJob(deps: ReviewJobDeps): TypedHandler<"resolve"> {
  return async ({ id, payload }) => {
    const adapter = deps.adapters[payload.repo.platform];
    if (!adapter) throw new PermanentError(`platform ${payload.repo.platform} is not configured`);
    const log = deps.log.with({ job_id: id, repo: payload.repo.fullName, pr: payload.pr });
    const refused = await commandRefusal(deps, adapter, payload);
    if (refused) return log.info("command not obeyed", { reason: refused });
    const pr = await adapter.getPullRequest(payload.repo, payload.pr);
    const by = payload.commandBy?.name ?? "someone";
    const open = (await deps.store.listFindings(payload.repo, pr.number)).filter((r) =>
      r.state === "open"
    );
    const note = `Resolved with \`/loom resolve\` by ${escapeInline(by)}.`;
    const counts: Record<ResolveOutcome | "unresolvable", number> = {
      resolved: 0,
      already_resolved: 0,
      gone: 0,
      replied: 0,
      unresolvable: 0,
    };
    for (const finding of open) {
      // Resolved before it is marked: a retry after a crash finds it still open and resolves it.
      const outcome = finding.commentId === null
        ? "gone"
        : await resolveOne(adapter, payload.repo, pr, finding.commentId, note);
      counts[outcome]++;
      await deps.store.setFindingState(payload.repo, pr.number, [{
        fingerprint: finding.fingerprint,
        state: "dismissed",
        by,
      }], (deps.now ?? Date.now)());
    }
    await adapter.postComment(payload.repo, pr, answer(counts, open.length));
    log.info("open findings resolved by command", { by, ...counts });
  };
}

async function resolveOne(
  adapter: GitAdapter,
  repo: Parameters<GitAdapter["resolveThread"]>[0],
  pr: Parameters<GitAdapter["resolveThread"]>[1],
  commentId: string,
  note: string,
): Promise<ResolveOutcome | "unresolvable"> {
  try {
    return await adapter.resolveThread(repo, pr, commentId, note);
  } catch (error) {
    // A permanent refusal (a platform that cannot resolve yet) still settles the finding.
    if (error instanceof PlatformError && !error.retryable) return "unresolvable";
    throw error;
  }
}

/** The reply: how many threads were resolved, and what happened to the rest. */
function answer(counts: Record<ResolveOutcome | "unresolvable", number>, total: number): string {
  if (total === 0) return "Loom has no open review threads on this pull request.";
  const done = counts.resolved + counts.replied;
  const parts = [`Resolved ${done} of Loom's ${total} open ${total === 1 ? "thread" : "threads"}`];
  const rest = [
    counts.already_resolved > 0 ? `${counts.already_resolved} already resolved` : "",
    counts.gone > 0 ? `${counts.gone} deleted` : "",
    counts.unresolvable > 0 ? `${counts.unresolvable} the platform would not resolve` : "",
  ].filter((s) => s !== "");
  if (rest.length > 0) parts.push(` (${rest.join(", ")})`);
  return `${parts.join("")}. Loom will not raise these findings again on this pull request.`;
}
