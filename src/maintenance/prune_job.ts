/**
 * The `prune` job: runs the retention prune, logs what it deleted, and postpones itself an hour.
 * A failed prune is logged and tried again at the next hour rather than spending attempts: a
 * prune job that went dead would stop pruning until the next restart.
 * @module
 */
import { postponeWith, type TypedHandler } from "../jobs.ts";
import { errorMessage } from "../queue/mod.ts";
import type { MaintenanceDeps } from "./deps.ts";
import { pruneStore } from "./prune.ts";

/** How often the prune runs. */
export const PRUNE_EVERY_MS = 3_600_000;

/** The handler of `prune` jobs. */
export function pruneJob(deps: MaintenanceDeps): TypedHandler<"prune"> {
  const now = deps.now ?? Date.now;
  return async (_job, { signal }) => {
    const started = now();
    try {
      const pruned = await pruneStore({ ...deps, now }, signal);
      deps.log.info("prune done", {
        ...pruned,
        retention_days: deps.retentionDays,
        retention_reviews_days: deps.retentionReviewsDays,
        duration_ms: Math.round(now() - started),
      });
    } catch (error) {
      // Shutting down or cancelled: the pool hands the job back (or ends it) as for any job.
      if (signal.aborted) throw error;
      deps.log.error("prune failed", { error: errorMessage(error) });
    }
    return postponeWith("prune", {}, started + PRUNE_EVERY_MS);
  };
}
