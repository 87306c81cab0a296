/**
 * The worker pool: N slots running job handlers registered by kind, each with an AbortSignal.
 *
 * It claims as many jobs as it has free slots in one statement, renews their leases with one
 * heartbeat statement, and completes finished jobs in batches. It sleeps on the queue's wake-up
 * signal (enqueue here, LISTEN/NOTIFY from other nodes) with a slow poll as fallback, and reaps
 * jobs whose worker died. `stop()` stops claiming, lets running jobs finish within the grace
 * period, then hands the rest back to the queue.
 * @module
 */
import type { Job, Postpone, Queue } from "../queue/mod.ts";
import { createBatcher, errorMessage, RetryableError } from "../queue/mod.ts";

/** What a handler gets besides its job. */
export interface HandlerContext {
  /** Fires when the job is cancelled, its lease is lost, or the process shuts down past its grace. */
  signal: AbortSignal;
}

/**
 * Runs one job. Resolve to succeed; throw to fail (see `src/queue/errors.ts`); resolve with a
 * {@link Postpone} to wait for other jobs without holding a slot or spending an attempt.
 */
export type JobHandler = (job: Job, context: HandlerContext) => Promise<void | Postpone>;

/** How a job run ended, for logs and metrics. */
export type RunOutcome =
  | "succeeded"
  | "postponed"
  | "retry"
  | "dead"
  | "cancelled"
  | "released"
  | "lost";

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions {
  queue: Queue;
  handlers: Record<string, JobHandler>;
  slots: number;
  workerId: string;
  leaseMs: number;
  pollMs: number;
  /**
   * Longest a run may take (`LOOM_MAX_JOB_RUN_S`): past it the pool aborts the handler's signal
   * and fails the run as retryable, even if the handler ignores its signal, so a hung handler
   * cannot hold a slot (and its lease, renewed by the heartbeat) for ever. Unset: no limit.
   */
  maxRunMs?: number;
  /** Called after each run; errors thrown here are ignored. */
  onRunEnd?: (job: Job, outcome: RunOutcome, durationMs: number, error?: string) => void;
  /** Reports failures of the pool's own queries (the store went away…). */
  onError?: (error: unknown) => void;
}

/** A started pool. */
export interface WorkerPool {
  /** Jobs running now. */
  running(): number;
  /** Stops claiming, waits up to `graceMs` for running jobs, releases the rest; resolves when done. */
  stop(graceMs: number): Promise<void>;
}

interface Running {
  job: Job;
  controller: AbortController;
  done: Promise<void>;
  /** Set when the pool itself ended the run (cancel, lost lease, shutdown): the result is moot. */
  endedBy?: "cancelled" | "lost" | "released";
}

/** Starts a pool that claims from `options.queue` until stopped. */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const { queue, slots, workerId, leaseMs, pollMs } = options;
  const kinds = Object.keys(options.handlers);
  const active = new Map<number, Running>();
  const stopping = new AbortController();
  let slotFreedSignal = new AbortController();
  const report = (error: unknown) => options.onError?.(error);
  const completions = createBatcher<number>(async (ids) => {
    await queue.complete(workerId, ids);
    return [];
  });

  const ended = (job: Job, outcome: RunOutcome, started: number, error?: string) => {
    try {
      options.onRunEnd?.(job, outcome, performance.now() - started, error);
    } catch { /* a metrics hook must not break the pool */ }
  };

  const run = async (entry: Running) => {
    const { job, controller } = entry;
    const handler = options.handlers[job.kind];
    const started = performance.now();
    let overrunTimer: ReturnType<typeof setTimeout> | undefined;
    const overrun = new Promise<never>((_, reject) => {
      if (options.maxRunMs === undefined) return;
      const limitMs = options.maxRunMs;
      overrunTimer = setTimeout(() => {
        const error = new RetryableError(
          `the run took longer than ${limitMs / 1000} s, the most it may (LOOM_MAX_JOB_RUN_S)`,
        );
        controller.abort(error);
        reject(error);
      }, limitMs);
    });
    try {
      const result = await Promise.race([handler(job, { signal: controller.signal }), overrun]);
      if (entry.endedBy) return ended(job, entry.endedBy, started);
      if (result) {
        const held = await queue.postpone(workerId, job, result.postpone);
        return ended(job, held ? "postponed" : "lost", started);
      }
      await completions.add(job.id);
      ended(job, "succeeded", started);
    } catch (error) {
      if (entry.endedBy) return ended(job, entry.endedBy, started);
      try {
        const outcome = await queue.fail(workerId, job, error);
        ended(
          job,
          outcome.status === "queued" ? "retry" : outcome.status,
          started,
          errorMessage(error),
        );
      } catch (failError) {
        // The store is unreachable: the lease will expire and another attempt will follow.
        report(failError);
      }
    } finally {
      clearTimeout(overrunTimer);
      active.delete(job.id);
      slotFreedSignal.abort();
    }
  };

  const start = (job: Job) => {
    const entry: Running = { job, controller: new AbortController(), done: Promise.resolve() };
    active.set(job.id, entry);
    entry.done = run(entry);
  };

  const abortRun = (id: number, endedBy: NonNullable<Running["endedBy"]>, reason: string) => {
    const entry = active.get(id);
    if (!entry || entry.endedBy) return;
    entry.endedBy = endedBy;
    entry.controller.abort(new Error(reason));
  };

  const onCancel = (id: number) => abortRun(id, "cancelled", "job cancelled");
  queue.context.cancellations.add(onCancel);

  const claimLoop = async () => {
    while (!stopping.signal.aborted) {
      const free = slots - active.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const jobs = await queue.claim(workerId, free, { kinds, leaseMs });
          claimed = jobs.length;
          for (const job of jobs) start(job);
        } catch (error) {
          report(error);
        }
      }
      if (stopping.signal.aborted) break;
      if (free > 0 && claimed === free) continue;
      if (free > 0) {
        await queue.context.wakeup.wait(pollMs, stopping.signal);
      } else {
        // Every slot is busy: sleep until one frees up.
        const freed = new AbortController();
        slotFreedSignal = freed;
        await new Promise<void>((resolve) => {
          if (stopping.signal.aborted) return resolve();
          freed.signal.addEventListener("abort", () => resolve(), { once: true });
          stopping.signal.addEventListener("abort", () => resolve(), { once: true });
        });
      }
    }
  };

  const heartbeat = async () => {
    const ids = [...active.keys()];
    if (ids.length === 0) return;
    try {
      const held = await queue.extendLeases(workerId, ids, leaseMs);
      for (const id of ids) {
        if (!held.has(id) && active.has(id)) {
          abortRun(id, "lost", "job cancelled or its lease was lost");
        }
      }
    } catch (error) {
      report(error);
    }
  };

  const reap = async () => {
    try {
      if (await queue.reapExpired() > 0) queue.context.wakeup.notify();
    } catch (error) {
      report(error);
    }
  };

  const heartbeatTimer = setInterval(heartbeat, Math.max(50, Math.floor(leaseMs / 3)));
  const reapTimer = setInterval(reap, Math.max(100, Math.min(pollMs * 5, leaseMs)));
  const loop = kinds.length > 0 && slots > 0 ? claimLoop() : Promise.resolve();

  return {
    running: () => active.size,
    async stop(graceMs) {
      stopping.abort();
      await loop;
      const all = () => Promise.all([...active.values()].map((r) => r.done));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const graceOver = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), graceMs);
      });
      const result = await Promise.race([all().then(() => "done" as const), graceOver]);
      clearTimeout(timer);
      if (result === "timeout") {
        const leftover = [...active.keys()];
        // Hand them back first, so whatever the aborted handlers do next changes nothing.
        try {
          await queue.release(workerId, leftover);
        } catch (error) {
          report(error);
        }
        for (const id of leftover) abortRun(id, "released", "shutting down");
        await all();
      }
      clearInterval(heartbeatTimer);
      clearInterval(reapTimer);
      queue.context.cancellations.delete(onCancel);
      await completions.drain();
    },
  };
}
