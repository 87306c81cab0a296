/**
 * The worker pool: slots that claim jobs and run their handlers, here or on job threads.
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
export { type QueueRelay, type QueueSignal, relayQueueSignals } from "./relay.ts";
export {
  type JobThreadParent,
  type JobThreadRuntime,
  type JobThreads,
  type JobThreadsOptions,
  poolRuntime,
  serveJobThread,
  startJobThreads,
  type ThreadRunEnd,
} from "./threads.ts";
export {
  lowerThreadPriority,
  lowerV8HelperThreads,
  type PriorityOutcome,
} from "./thread_priority.ts";
