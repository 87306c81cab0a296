/**
 * Cancelling a pull request's unfinished jobs ends their reviews too: a review whose publish or
 * pipeline job is cancelled would otherwise stay `running` forever, for nothing will publish it.
 * Intake (a new head supersedes an older one), the `close` job and a `/loom review` command all
 * cancel through here.
 * @module
 */
import type { Queue } from "./queue/mod.ts";
import type { ReviewStore } from "./store/mod.ts";

/**
 * Cancels the unfinished jobs of `group` that `keep` does not keep ({@link Queue.cancelGroup}),
 * then ends each still-running review they worked for (a publish or pipeline job's, named in its
 * payload) or made (a `review` job's row) as `cancelled`, with `reason`. Returns the ids of the
 * jobs cancelled.
 */
export async function cancelReviews(
  deps: { queue: Queue; store: ReviewStore; now?: () => number },
  group: string,
  reason: string,
  keep?: (payload: unknown) => boolean,
): Promise<number[]> {
  const cancelled = await deps.queue.cancelGroup(group, reason, keep);
  const reviewIds = new Set<number>();
  for (const id of cancelled) {
    const payload = (await deps.queue.get(id))?.payload as { reviewId?: unknown } | undefined;
    if (typeof payload?.reviewId === "number") reviewIds.add(payload.reviewId);
  }
  const now = (deps.now ?? Date.now)();
  await deps.store.endReviewsOfJobs(cancelled, "cancelled", reason, now);
  for (const reviewId of reviewIds) {
    const review = await deps.store.getReview(reviewId);
    if (review?.status === "running") {
      await deps.store.endReview(reviewId, "cancelled", now, { error: reason });
    }
  }
  return cancelled;
}
