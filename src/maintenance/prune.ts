/**
 * The retention prune: deletes what is older than the retention, a small batch per statement with
 * a yield to the event loop between batches (SQLite runs on this thread: one long delete would
 * stall webhooks and heartbeats), then gives the freed pages back to the disk.
 *
 * - Finished jobs (succeeded, dead, cancelled), webhook deliveries, and each finished review's
 *   stored inputs (diff, config, prompts) and its pipelines' endpoint answers: `retentionDays`.
 * - Reviews, pipeline runs (findings) and comment records: while their pull request is open,
 *   and `retentionReviewsDays` after it was last seen closed (or, reviewed before Loom recorded
 *   states, after its newest review).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { migrateToLatest, openDatabase } from "../db/mod.ts";
 * import { createQueue } from "../queue/mod.ts";
 * import { createReviewStore } from "../store/mod.ts";
 * import { pruneStore } from "./prune.ts";
 *
 * const database = await openDatabase(":memory:");
 * await migrateToLatest(database);
 * const queue = await createQueue(database);
 * const pruned = await pruneStore({
 *   database,
 *   queue,
 *   store: createReviewStore(database),
 *   retentionDays: 30,
 *   retentionReviewsDays: 365,
 * });
 * assert.equal(pruned.jobs, 0);
 * await database.close();
 * ```
 * @module
 */
import { type Database, reclaimSpace } from "../db/mod.ts";
import type { Queue } from "../queue/mod.ts";
import type { ReviewStore } from "../store/mod.ts";

const DAY_MS = 86_400_000;

/** Rows per statement: a few milliseconds of work on SQLite. */
export const PRUNE_BATCH = 500;

/** What {@link pruneStore} works on and how long things are kept. */
export interface PruneDeps {
  database: Database;
  queue: Queue;
  store: ReviewStore;
  retentionDays: number;
  retentionReviewsDays: number;
  now?: () => number;
  /** Rows per statement; default {@link PRUNE_BATCH}. */
  batch?: number;
}

/** How many rows of each kind one prune deleted (or cleared), and the SQLite pages it freed. */
export interface PruneResult {
  jobs: number;
  deliveries: number;
  reviewInputs: number;
  pullRequests: number;
  reviews: number;
  pipelineRuns: number;
  comments: number;
  /** Reviews left running with no job to end them, ended failed (see end_orphaned_reviews.ts). */
  orphanedReviews: number;
  pagesFreed: number;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Runs one prune to completion (or until `signal` aborts, between two batches: it then throws the
 * abort reason, and what was deleted stays deleted).
 */
export async function pruneStore(deps: PruneDeps, signal?: AbortSignal): Promise<PruneResult> {
  const now = (deps.now ?? Date.now)();
  const batch = deps.batch ?? PRUNE_BATCH;
  const before = now - deps.retentionDays * DAY_MS;
  const reviewsBefore = now - deps.retentionReviewsDays * DAY_MS;
  const result: PruneResult = {
    jobs: 0,
    deliveries: 0,
    reviewInputs: 0,
    pullRequests: 0,
    reviews: 0,
    pipelineRuns: 0,
    comments: 0,
    orphanedReviews: 0,
    pagesFreed: 0,
  };
  const drain = async (step: () => Promise<number>): Promise<number> => {
    let total = 0;
    for (;;) {
      signal?.throwIfAborted();
      const n = await step();
      total += n;
      if (n < batch) return total;
      await pause();
    }
  };
  // Before the jobs go: a finished job the sweep looks for is as over as a pruned one.
  result.orphanedReviews = await deps.store.endOrphanedReviews(now);
  result.jobs = await drain(() => deps.queue.pruneFinished(before, batch));
  result.deliveries = await drain(() => deps.store.pruneDeliveries(before, batch));
  result.reviewInputs = await drain(() => deps.store.pruneReviewInputs(before, batch));
  // Pull requests go a few at a time: each may carry many reviews and comments.
  const prBatch = Math.max(1, Math.floor(batch / 50));
  for (;;) {
    signal?.throwIfAborted();
    const pruned = await deps.store.pruneClosedReviews(reviewsBefore, prBatch);
    result.pullRequests += pruned.pullRequests;
    result.reviews += pruned.reviews;
    result.pipelineRuns += pruned.pipelineRuns;
    result.comments += pruned.comments;
    if (pruned.reviews + pruned.comments + pruned.pullRequests === 0) break;
    await pause();
  }
  signal?.throwIfAborted();
  result.pagesFreed = await reclaimSpace(deps.database, { signal });
  return result;
}
