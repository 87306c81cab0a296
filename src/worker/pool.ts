/**
 * The worker pool: N slots running job handlers registered by kind, each with an AbortSignal.
 *
 * It claims as many jobs as it has free slots in one statement, renews their leases with one
 * heartbeat statement, and completes finished jobs in batches, each batch claiming the slots it
 * frees in the same commit (one claim at a time, so no two fill the same slots). It sleeps on the queue's wake-up
 * signal (enqueue here, LISTEN/NOTIFY from other nodes) with a slow poll as fallback, and reaps
 * jobs whose worker died. `stop()` stops claiming, lets running jobs finish within the grace
 * period, then hands the rest back to the queue.
 *
 * Every queue call for a run names the claim it was handed (its `claimToken`), so a run whose
 * claim is no longer current ends as `lost` and records nothing. Two guards keep one process from
 * running a job twice: it renews its leases before it reaps whenever a renewal is overdue (after
 * an event-loop stall the heartbeat goes first, so the pool never reaps its own live runs), and a
 * job handed to it again while an earlier run of it is still here (another node reaped it) waits
 * for that run to stop before it starts.
 *
 * A store that goes away (a database restart, a full disk) stops nothing: the claim loop backs
 * off and tries again, the heartbeat and reaper try at their next tick, and a run that finished
 * keeps trying to record its ending for as long as its lease could last, so a job that ran is
 * not run again only because its completion could not be written. The first failure of an outage
 * is reported, and its end; not every retry in between.
 * @module
 */
import { storeUnavailable } from "../db/mod.ts";
import type { Job, Postpone, Queue } from "../queue/mod.ts";
import { createBatcher, createWakeup, errorMessage, RetryableError } from "../queue/mod.ts";

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
  /**
   * Reports failures of the pool's own queries (the store went away…): the first of an outage
   * and each different one after it, not every retry.
   */
  onError?: (error: unknown) => void;
  /** Called once the store answers again after reported failures: how many failed, for how long. */
  onRecovered?: (failures: number, downMs: number) => void;
}

/** A started pool. */
export interface WorkerPool {
  /** Jobs running now. */
  running(): number;
  /** Stops claiming, waits up to `graceMs` for running jobs, releases the rest; resolves when done. */
  stop(graceMs: number): Promise<void>;
}

interface Running {
  /** The job as its claim handed it: its `claimToken` fences every queue call made for this run. */
  job: Job;
  controller: AbortController;
  done: Promise<void>;
  /** When the lease of this claim was last set (claimed or renewed), on `performance.now()`. */
  leasedAt: number;
  /** Set when the pool itself ended the run (cancel, lost lease, shutdown): the result is moot. */
  endedBy?: "cancelled" | "lost" | "released";
}

/** Starts a pool that claims from `options.queue` until stopped. */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const { queue, slots, workerId, leaseMs, pollMs } = options;
  const kinds = Object.keys(options.handlers);
  const active = new Map<number, Running>();
  const stopping = new AbortController();
  // Wakes the claim loop sleeping on full slots; a slot freed while it was not asleep makes its
  // next sleep return at once.
  const slotFreed = createWakeup();
  // The current outage: when it began, how many operations failed, the messages reported.
  let outage: { since: number; failures: number; reported: Set<string> } | undefined;
  const report = (error: unknown) => {
    outage ??= { since: Date.now(), failures: 0, reported: new Set() };
    outage.failures++;
    const message = errorMessage(error);
    if (outage.reported.has(message)) return;
    outage.reported.add(message);
    options.onError?.(error);
  };
  const answered = () => {
    if (!outage) return;
    const { since, failures } = outage;
    outage = undefined;
    options.onRecovered?.(failures, Date.now() - since);
  };
  /**
   * Runs a write that records how a run ended, retrying while the store is unavailable, for as
   * long as the job's lease could last (the heartbeat keeps renewing it meanwhile); past that the
   * job is another worker's to run, and the last error is thrown.
   */
  const recorded = async <T>(write: () => Promise<T>): Promise<T> => {
    const deadline = Date.now() + leaseMs;
    for (let failures = 0;; failures++) {
      try {
        const result = await write();
        answered();
        return result;
      } catch (error) {
        if (storeUnavailable(error) === null || Date.now() >= deadline) throw error;
        report(error);
        await sleep(Math.min(retryDelayMs(failures), Math.max(0, deadline - Date.now())));
      }
    }
  };
  const heartbeatMs = Math.max(50, Math.floor(leaseMs / 3));
  // One claim at a time, whoever makes it (the claim loop, or an exchange below): each counts the
  // free slots when its turn comes, so two claims never fill the same slots.
  let claimTurn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(claim: () => Promise<T>): Promise<T> => {
    const result = claimTurn.then(claim);
    claimTurn = result.catch(() => {});
    return result;
  };
  // Completions of many runs share one statement, which also claims the slots they free (one
  // commit for both); each run learns whether its claim was still current. Gathered to the end of
  // the event loop's turn: runs that end together (short handlers) then share one exchange,
  // where the first of them would otherwise go alone (bench:queue on SQLite: 11,700–12,000
  // jobs/s before, 13,200–14,500 after).
  const completions = createBatcher<Job, boolean>((jobs) =>
    inTurn(async () => {
      // The runs ending here are still counted in `active`: their slots are free once this commits.
      const free = stopping.signal.aborted ? 0 : slots - active.size + jobs.length;
      const leasedAt = performance.now();
      const exchange = await queue.completeAndClaim(workerId, jobs, free, { kinds, leaseMs });
      for (const job of exchange.jobs) start(job, leasedAt);
      const done = new Set(exchange.done);
      return jobs.map((job) => done.has(job.id));
    }), { gather: true });

  const ended = (job: Job, outcome: RunOutcome, started: number, error?: string) => {
    try {
      options.onRunEnd?.(job, outcome, performance.now() - started, error);
    } catch { /* a metrics hook must not break the pool */ }
  };

  const run = async (entry: Running, earlier?: Running) => {
    const { job, controller } = entry;
    // The same job, handed here again (its lease was reaped elsewhere) while its earlier run is
    // still stopping: one copy at a time, so this one starts only once that one has ended.
    if (earlier) await earlier.done;
    if (entry.endedBy) {
      // Cancelled, lost or released while it waited: it never ran.
      finish(entry);
      return ended(job, entry.endedBy, performance.now());
    }
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
        const held = await recorded(() => queue.postpone(workerId, job, result.postpone));
        return ended(job, held ? "postponed" : "lost", started);
      }
      // Refused when the claim went stale meanwhile: this run is not the job's ending.
      const held = await recorded(() => completions.add(job));
      ended(job, held ? "succeeded" : "lost", started);
    } catch (error) {
      if (entry.endedBy) return ended(job, entry.endedBy, started);
      try {
        const outcome = await recorded(() => queue.fail(workerId, job, error));
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
      finish(entry);
    }
  };

  /** Frees the run's slot, unless a newer claim of the job has taken its place. */
  const finish = (entry: Running) => {
    if (active.get(entry.job.id) === entry) active.delete(entry.job.id);
    slotFreed.notify();
  };

  const start = (job: Job, leasedAt: number) => {
    const entry: Running = {
      job,
      controller: new AbortController(),
      done: Promise.resolve(),
      leasedAt,
    };
    const earlier = active.get(job.id);
    // Its claim is stale now: whatever it does next is refused, and it is told to stop.
    if (earlier) abortRun(earlier, "lost", "the job was claimed again after its lease was lost");
    active.set(job.id, entry);
    entry.done = run(entry, earlier);
  };

  const abortRun = (entry: Running, endedBy: NonNullable<Running["endedBy"]>, reason: string) => {
    if (entry.endedBy) return;
    entry.endedBy = endedBy;
    entry.controller.abort(new Error(reason));
  };

  const onCancel = (id: number) => {
    const entry = active.get(id);
    if (entry) abortRun(entry, "cancelled", "job cancelled");
  };
  queue.context.cancellations.add(onCancel);

  const claimLoop = async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      let free = slots - active.size;
      let claimed = 0;
      let failed = false;
      if (free > 0) {
        try {
          claimed = await inTurn(async () => {
            // An exchange may have filled slots while this claim waited for its turn.
            free = slots - active.size;
            if (free <= 0 || stopping.signal.aborted) return 0;
            const leasedAt = performance.now();
            const jobs = await queue.claim(workerId, free, { kinds, leaseMs });
            for (const job of jobs) start(job, leasedAt);
            return jobs.length;
          });
          failures = 0;
          answered();
        } catch (error) {
          failed = true;
          report(error);
        }
      }
      if (stopping.signal.aborted) break;
      if (free > 0 && claimed === free) continue;
      if (failed) {
        // Back off from a failing store (no busy loop against it), but try again sooner than a
        // slow poll would: jobs enqueued meanwhile were not announced to anyone.
        await queue.context.wakeup.wait(
          Math.min(pollMs, retryDelayMs(failures++)),
          stopping.signal,
        );
      } else if (free > 0) {
        await queue.context.wakeup.wait(pollMs, stopping.signal);
      } else {
        // Every slot is busy: sleep until one frees up (the poll is only a fallback).
        await slotFreed.wait(pollMs, stopping.signal);
      }
    }
  };

  /** Renews every lease held here; false when the store could not be reached. */
  const renew = async (): Promise<boolean> => {
    const entries = [...active.values()];
    if (entries.length === 0) return true;
    const leasedAt = performance.now();
    try {
      const held = await queue.extendLeases(workerId, entries.map((e) => e.job), leaseMs);
      answered();
      for (const entry of entries) {
        if (held.has(entry.job.id)) entry.leasedAt = leasedAt;
        else abortRun(entry, "lost", "job cancelled or its lease was lost");
      }
      return true;
    } catch (error) {
      report(error);
      return false;
    }
  };
  // One renewal at a time: the timer and the reaper share the one in flight.
  let renewing: Promise<boolean> | null = null;
  const heartbeat = () => renewing ??= renew().finally(() => renewing = null);

  const reap = async () => {
    // After the event loop stalls, every timer fires at once and the leases held here may have
    // run out: reaping first would hand this process its own live jobs again. So whenever a
    // renewal is overdue the reaper renews first, and does not reap while it cannot renew.
    const oldest = Math.min(...[...active.values()].map((e) => e.leasedAt));
    if (performance.now() - oldest >= heartbeatMs && !(await heartbeat())) return;
    try {
      const reaped = await queue.reapExpired();
      answered();
      if (reaped > 0) queue.context.wakeup.notify();
    } catch (error) {
      report(error);
    }
  };

  const heartbeatTimer = setInterval(heartbeat, heartbeatMs);
  const reapTimer = setInterval(reap, Math.max(100, Math.min(pollMs * 5, leaseMs)));
  const loop = kinds.length > 0 && slots > 0 ? claimLoop() : Promise.resolve();

  return {
    running: () => active.size,
    async stop(graceMs) {
      stopping.abort();
      await loop;
      // An exchange in flight may still start the jobs it claimed: they get the grace too.
      await inTurn(() => Promise.resolve());
      const all = () => Promise.all([...active.values()].map((r) => r.done));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const graceOver = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), graceMs);
      });
      const result = await Promise.race([all().then(() => "done" as const), graceOver]);
      clearTimeout(timer);
      if (result === "timeout") {
        const leftover = [...active.values()];
        // Hand them back first, so whatever the aborted handlers do next changes nothing.
        try {
          await queue.release(workerId, leftover.map((e) => e.job));
        } catch (error) {
          report(error);
        }
        for (const entry of leftover) abortRun(entry, "released", "shutting down");
        await all();
      }
      clearInterval(heartbeatTimer);
      clearInterval(reapTimer);
      queue.context.cancellations.delete(onCancel);
      await completions.drain();
    },
  };
}

/** Delay before retry `n` (from 0) against a failing store: 100 ms doubling to 5 s, jittered. */
function retryDelayMs(n: number): number {
  const ceiling = Math.min(5_000, 100 * 2 ** Math.min(n, 16));
  return ceiling / 2 + Math.random() * ceiling / 2;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
