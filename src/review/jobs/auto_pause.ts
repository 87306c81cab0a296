/**
 * `review.auto_pause_after: N`: after N reviewed pushes, Loom pauses itself on the pull request
 * (a long-lived branch would otherwise be reviewed on every push), and the review that reached
 * N says so in its summary. What counts is an automatic review that was published since the
 * pull request was last resumed (see `countReviewedPushes`): not a command, which a person
 * asked for on purpose, nor a skip, which cost nothing.
 * @module
 */
import type { JobPayload } from "../../jobs.ts";
import type { ReviewJobDeps } from "./deps.ts";

/**
 * Pauses the pull request when the review starting now is its `after`-th reviewed push (0:
 * never) and returns the summary's line saying so; null when it does not pause.
 */
export async function autoPause(
  deps: Pick<ReviewJobDeps, "store" | "now">,
  payload: Pick<JobPayload<"review">, "repo" | "pr">,
  after: number,
): Promise<string | null> {
  if (after === 0) return null;
  const ref = { repo: payload.repo, pr: payload.pr };
  const { paused, resumedAt } = await deps.store.getPause(ref);
  if (paused) return null;
  // This review is not published yet: it is the next one.
  const reviewed = await deps.store.countReviewedPushes(ref, resumedAt ?? 0) + 1;
  if (reviewed < after) return null;
  const why = `after ${after} reviewed ${after === 1 ? "push" : "pushes"}`;
  const pausedNow = await deps.store.pausePullRequest(ref, {
    by: null,
    reason: `${why} (review.auto_pause_after)`,
    now: (deps.now ?? Date.now)(),
  });
  if (!pausedNow) return null;
  return `Loom paused automatic reviews of this pull request ${why} ` +
    "(`review.auto_pause_after`). Comment `/loom resume` to review new pushes again, or " +
    "`/loom review` to review once.";
}
