/**
 * The durable job queue: a row per job in SQLite or PostgreSQL, claimed by priority lane with
 * aging, held by leases that heartbeats renew, retried with backoff, dead-lettered after its last
 * attempt. Each operation lives in its own file with its SQL in plain sight; {@link createQueue}
 * binds them to one store.
 *
 * @example
 * ```ts
 * import { migrateToLatest, openDatabase } from "../db/mod.ts";
 * import { createQueue } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const store = await openDatabase(":memory:");
 * await migrateToLatest(store);
 * const queue = await createQueue(store);
 * await queue.enqueue("review", "normal", { pr: 1 });
 * const [job] = await queue.claim("worker-1", 1, { kinds: ["review"], leaseMs: 30_000 });
 * assert.deepEqual(job.payload, { pr: 1 });
 * await queue.complete("worker-1", [job]);
 * assert.equal((await queue.get(job.id))?.status, "succeeded");
 * await queue.close();
 * await store.close();
 * ```
 * @module
 */
import type { Database, Lane } from "../db/mod.ts";
import { cancelGroup } from "./cancel_group.ts";
import { cancelJob } from "./cancel_job.ts";
import { claimJobs, type ClaimOptions } from "./claim_jobs.ts";
import { completeAndClaim } from "./complete_and_claim.ts";
import { completeJobs } from "./complete_jobs.ts";
import type { QueueContext } from "./context.ts";
import { countJobs } from "./count_jobs.ts";
import { createBatcher } from "./batcher.ts";
import { enqueue, type EnqueueOptions, type EnqueueResult, type NewJob } from "./enqueue.ts";
import { type BackoffOptions, DEFAULT_BACKOFF } from "./errors.ts";
import { extendLeases } from "./extend_leases.ts";
import { failJob } from "./fail_job.ts";
import { findByDedupeKey } from "./find_by_dedupe_key.ts";
import { getJob } from "./get_job.ts";
import type { Claim, Job } from "./job.ts";
import { DEFAULT_AGING_MS } from "./lanes.ts";
import { listJobs, type ListJobsOptions } from "./list_jobs.ts";
import { type Postpone, postponeJob } from "./postpone_job.ts";
import { pruneFinishedJobs } from "./prune_finished_jobs.ts";
import { reapExpiredLeases } from "./reap_expired_leases.ts";
import { releaseJobs } from "./release_jobs.ts";
import { resumeJob } from "./resume_job.ts";
import { retryJob } from "./retry_job.ts";
import { actOnJob, type JobAction } from "./job_actions.ts";
import { createWakeup } from "./wakeup.ts";
import { willRetry } from "./will_retry.ts";
import { withdrawJob } from "./withdraw_job.ts";

export type { ClaimOptions } from "./claim_jobs.ts";
export type { Exchange } from "./complete_and_claim.ts";
export type { QueueContext } from "./context.ts";
export { ACTIVE_STATUSES, type JobCount, totalsByStatus } from "./count_jobs.ts";
export { type Batcher, createBatcher } from "./batcher.ts";
export { DedupeKeyHeldError } from "./dedupe_key_held.ts";
export type { EnqueueOptions, EnqueueResult, NewJob } from "./enqueue.ts";
export {
  backoffMs,
  classifyError,
  errorMessage,
  MAX_WAIT_MS,
  PermanentError,
  RetryableError,
} from "./errors.ts";
export type { FailOutcome } from "./fail_job.ts";
export type { Claim, Job, JobError, JobStatus, Lane } from "./job.ts";
export { type JobAction, type JobActionResult, refusal } from "./job_actions.ts";
export { isLane, LANES } from "./lanes.ts";
export type { JobPage, ListJobsOptions } from "./list_jobs.ts";
export type { Postpone } from "./postpone_job.ts";
export { createWakeup, type Wakeup } from "./wakeup.ts";

/** Options of {@link createQueue}. */
export interface QueueOptions {
  now?: () => number;
  agingMs?: number;
  backoff?: BackoffOptions;
  /** The most a job waits out rate limits in all, in ms; default {@link DEFAULT_MAX_RATE_LIMIT_WAIT_MS}. */
  maxRateLimitWaitMs?: number;
}

/** A job waits out rate limits for at most an hour in all, unless told otherwise. */
export const DEFAULT_MAX_RATE_LIMIT_WAIT_MS = 3_600_000;

/** A queue bound to one store; see the module doc. */
export type Queue = ReturnType<typeof bindQueue>;

/**
 * Binds every queue operation to `store`. On PostgreSQL it also LISTENs for jobs enqueued by
 * other nodes so their idle workers wake at once; `close()` stops listening.
 */
export async function createQueue(store: Database, options: QueueOptions = {}) {
  const context: QueueContext = {
    db: store.db,
    relaxedDb: store.relaxedDb,
    store: store.kind,
    now: options.now ?? Date.now,
    agingMs: options.agingMs ?? DEFAULT_AGING_MS,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? DEFAULT_MAX_RATE_LIMIT_WAIT_MS,
    wakeup: createWakeup(),
    cancellations: new Set(),
  };
  const unlisten = store.listen
    ? await store.listen("loom_jobs", () => context.wakeup.notify())
    : undefined;
  return bindQueue(context, unlisten);
}

function bindQueue(q: QueueContext, unlisten?: () => Promise<void>) {
  // Concurrent callers (webhooks arriving together) share one insert and one commit.
  const enqueues = createBatcher<NewJob, EnqueueResult>((jobs) => enqueue(q, jobs), {
    maxBatch: 200,
    gather: true,
  });
  return {
    context: q,
    /** Adds one job; resolves once it is committed. */
    enqueue: (kind: string, lane: Lane, payload: unknown, options?: EnqueueOptions) =>
      enqueues.add({ kind, lane, payload, options }),
    /** Adds several jobs in one statement. */
    enqueueMany: (jobs: readonly NewJob[]) => enqueue(q, jobs),
    claim: (workerId: string, limit: number, options: ClaimOptions) =>
      claimJobs(q, workerId, limit, options),
    /** Ends claimed jobs as succeeded; returns the ids whose claim was still current. */
    complete: (workerId: string, claims: readonly Claim[]) => completeJobs(q, workerId, claims),
    /**
     * Ends claimed jobs as succeeded and claims up to `limit` more, in one commit: the ids whose
     * claim was still current, and the jobs claimed.
     */
    completeAndClaim: (
      workerId: string,
      claims: readonly Claim[],
      limit: number,
      options: ClaimOptions,
    ) => completeAndClaim(q, workerId, claims, limit, options),
    /** Records a claimed job's failure; `lost` when its claim was no longer current. */
    fail: (workerId: string, job: Job, error: unknown) => failJob(q, workerId, job, error),
    /** The heartbeat: renews claims; returns the ids still held. */
    extendLeases: (workerId: string, claims: readonly Claim[], leaseMs: number) =>
      extendLeases(q, workerId, claims, leaseMs),
    /** Hands claimed jobs back without counting the attempt (shutdown). */
    release: (workerId: string, claims: readonly Claim[]) => releaseJobs(q, workerId, claims),
    /** Puts a running job back to wait; false when its claim was no longer current. */
    postpone: (workerId: string, job: Job, postpone: Postpone["postpone"]) =>
      postponeJob(q, workerId, job, postpone),
    /** Lets a postponed job run now. */
    resume: (id: number) => resumeJob(q, id),
    reapExpired: () => reapExpiredLeases(q),
    /** Deletes up to `limit` jobs that finished before `before`; returns how many. */
    pruneFinished: (before: number, limit: number) => pruneFinishedJobs(q, before, limit),
    get: (id: number) => getJob(q, id),
    /** Whether failing `job` with `error` would re-queue it rather than end it. */
    willRetry: (job: Job, error: unknown) => willRetry(q, job, error),
    /** The newest job enqueued under `dedupeKey`, finished or not. */
    byDedupeKey: (dedupeKey: string) => findByDedupeKey(q, dedupeKey),
    list: (options?: ListJobsOptions) => listJobs(q, options),
    count: () => countJobs(q),
    retry: (id: number) => retryJob(q, id),
    /** Retries or cancels a job as an operator asked; says why when it cannot. */
    act: (id: number, action: JobAction, reason: string) => actOnJob(q, id, action, reason),
    cancel: (id: number, reason?: string) => cancelJob(q, id, reason),
    /** Deletes a job no worker has touched yet; false when one has (cancel it instead). */
    withdraw: (id: number) => withdrawJob(q, id),
    cancelGroup: (groupKey: string, reason: string, keep?: (payload: unknown) => boolean) =>
      cancelGroup(q, groupKey, reason, keep),
    close: async () => {
      await unlisten?.();
    },
  };
}
