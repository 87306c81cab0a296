/**
 * The worker pool: slots that claim jobs and run their handlers.
 * @module
 */
export {
  createWorkerPool,
  type HandlerContext,
  type JobHandler,
  type RunOutcome,
  type WorkerPool,
  type WorkerPoolOptions,
} from "./pool.ts";
