/**
 * Job threads: the worker pools of one process, each on a Deno Worker of its own, so that the
 * thread serving HTTP does only HTTP, verification, intake and the durable enqueue, and a
 * delivery never waits behind a review's CPU work (diff parsing, JSON, anchoring, rendering).
 *
 * The HTTP thread starts each thread with a message (`init`: the settings, secrets included,
 * go by message, never through a log or the environment) and waits until it has opened its own
 * store connection and started its pool. From then on the queue's signals cross between the
 * threads ({@link relayQueueSignals}), the threads' log lines and run endings come back here to
 * be written and counted, and a thread that dies is started again. `stop(graceMs)` asks every
 * thread to stop as its pool stops (no more claims, running jobs get the grace, the rest go
 * back to the queue) and to close its store, then ends it. Leases and fences are the queue's,
 * as for a pool on this thread: a process killed with its threads loses nothing.
 *
 * The thread's side is {@link serveJobThread}; the entry module (`src/_job_thread.ts`) binds it to
 * the server's job runtime.
 *
 * @example
 * ```ts ignore
 * const threads = await startJobThreads({
 *   module: new URL("../_job_thread.ts", import.meta.url),
 *   count: 1,
 *   init: () => ({ settings, env }),
 *   queue,
 *   log,
 *   onRunEnd: (run) => metrics.observeRun(run.kind, run.lane, run.outcome, run.durationMs / 1000),
 * });
 * await threads.stop(30_000);
 * ```
 * @module
 */
import type { SpendMeter, Usage } from "../llm/mod.ts";
import type { Logger, LogLevel } from "../log.ts";
import type { Queue } from "../queue/mod.ts";
import type { RunOutcome, WorkerPool } from "./pool.ts";
import { isQueueSignal, type QueueRelay, type QueueSignal, relayQueueSignals } from "./relay.ts";

/** A run that ended on a job thread, for the HTTP thread's metrics. */
export interface ThreadRunEnd {
  kind: string;
  lane: string;
  outcome: RunOutcome;
  durationMs: number;
}

/** What the HTTP thread sends a job thread. */
export type ToJobThread =
  | { type: "start"; index: number; init: unknown }
  | { type: "stop"; graceMs: number }
  | QueueSignal;

/** What a job thread sends back. */
export type FromJobThread =
  | { type: "ready" }
  | { type: "failed"; error: string }
  | { type: "log"; level: LogLevel; msg: string; fields?: Record<string, unknown> }
  | ({ type: "run" } & ThreadRunEnd)
  | { type: "usage"; model: string; usage: Usage; costUsd: number | null }
  | { type: "budget"; budget: string; ratio: number }
  | { type: "stopped" }
  | QueueSignal;

/** Options of {@link startJobThreads}. */
export interface JobThreadsOptions {
  /** The thread's entry module; it calls {@link serveJobThread}. */
  module: URL;
  count: number;
  /** The start message's payload for thread `index` (0…count-1). */
  init: (index: number) => unknown;
  /** This thread's queue, whose signals the threads receive and whose they receive. */
  queue: Queue;
  log: Logger;
  onRunEnd?: (run: ThreadRunEnd) => void;
  /** Counts the threads' model spend and budgets' use (the HTTP thread's metrics). */
  meter?: SpendMeter;
  /** How long a dead thread waits before it is started again; 1 s by default. */
  restartDelayMs?: number;
}

/** Started job threads. */
export interface JobThreads {
  /** Stops every thread's pool within `graceMs`, closes their stores and ends them. */
  stop(graceMs: number): Promise<void>;
}

/** Starts `count` job threads; resolves once each has its store open and its pool running. */
export async function startJobThreads(options: JobThreadsOptions): Promise<JobThreads> {
  const { log } = options;
  const threads: Worker[] = [];
  let stopping = false;
  const stoppedBy = new Map<Worker, PromiseWithResolvers<void>>();
  const relay = relayQueueSignals(options.queue, (signal) => {
    for (const thread of threads) thread.postMessage(signal);
  });

  const spawn = (index: number): Promise<void> => {
    const started = Promise.withResolvers<void>();
    const thread = new Worker(options.module.href, { type: "module" });
    if (threads[index]) stoppedBy.delete(threads[index]);
    threads[index] = thread;
    const stopped = Promise.withResolvers<void>();
    stoppedBy.set(thread, stopped);
    thread.onmessage = ({ data }: MessageEvent<FromJobThread>) => {
      if (isQueueSignal(data)) {
        relay.deliver(data);
        for (const other of threads) if (other !== thread) other.postMessage(data);
      } else if (data.type === "log") log[data.level](data.msg, data.fields);
      else if (data.type === "run") {
        const { type: _, ...run } = data;
        try {
          options.onRunEnd?.(run);
        } catch { /* a metrics hook must not break the relay */ }
      } else if (data.type === "usage") {
        try {
          options.meter?.observeLlmUsage(data.model, data.usage, data.costUsd);
        } catch { /* as above */ }
      } else if (data.type === "budget") {
        try {
          options.meter?.setBudgetRatio(data.budget, data.ratio);
        } catch { /* as above */ }
      } else if (data.type === "ready") started.resolve();
      else if (data.type === "failed") started.reject(new Error(data.error));
      else if (data.type === "stopped") stopped.resolve();
    };
    thread.onerror = (event) => {
      // An error no handler caught ends the thread: its running jobs' leases lapse and the
      // reaper hands them out again, as when a process dies; a new thread takes its place.
      event.preventDefault();
      const error = event.message;
      thread.terminate();
      stopped.resolve();
      started.reject(new Error(`job thread ${index} failed: ${error}`));
      if (stopping || threads[index] !== thread) return;
      log.error("job thread died; starting another", { thread: index, error });
      setTimeout(() => {
        if (stopping) return;
        spawn(index).catch((cause) =>
          log.error("job thread could not start again", { thread: index, error: String(cause) })
        );
      }, options.restartDelayMs ?? 1_000);
    };
    thread.postMessage({ type: "start", index, init: options.init(index) } satisfies ToJobThread);
    return started.promise;
  };
  const all = Array.from({ length: options.count }, (_, i) => spawn(i));
  const results = await Promise.allSettled(all);
  const failure = results.find((r) => r.status === "rejected");
  if (failure) {
    stopping = true;
    for (const thread of threads) thread.terminate();
    relay.close();
    throw failure.reason;
  }

  return {
    async stop(graceMs) {
      stopping = true;
      await Promise.all(threads.map(async (thread) => {
        const stopped = stoppedBy.get(thread)!;
        thread.postMessage({ type: "stop", graceMs } satisfies ToJobThread);
        // A thread that does not answer (stuck in a handler that ignores its signal) is ended
        // anyway once the grace and a margin for closing its store are over.
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<void>((resolve) => timer = setTimeout(resolve, graceMs + 10_000));
        await Promise.race([stopped.promise, late]);
        clearTimeout(timer);
        thread.terminate();
      }));
      relay.close();
    },
  };
}

/** What {@link serveJobThread}'s `start` gets besides the start message's payload. */
export interface JobThreadParent {
  /** Which thread this is (0…count-1). */
  index: number;
  /** A logger whose lines the HTTP thread writes. */
  log: Logger;
  /** Reports a run's end to the HTTP thread's metrics. */
  runEnded(run: ThreadRunEnd): void;
  /** Counts model spend and budgets' use in the HTTP thread's metrics. */
  meter: SpendMeter;
}

/** What a job thread runs: its queue (whose signals are relayed), and how it stops. */
export interface JobThreadRuntime {
  queue: Queue;
  /** Stops the pool within `graceMs` and closes the queue and the store. */
  stop(graceMs: number): Promise<void>;
}

/**
 * The runtime of a thread whose `pool` claims from `queue` on `store`: stopping it stops the
 * pool within the grace, then closes the queue and the store.
 */
export function poolRuntime(
  pool: WorkerPool,
  queue: Queue,
  store: { close(): Promise<void> },
): JobThreadRuntime {
  return {
    queue,
    async stop(graceMs) {
      await pool.stop(graceMs);
      await queue.close();
      await store.close();
    },
  };
}

/**
 * The thread's side of {@link startJobThreads}, called once by the entry module: on the start
 * message it calls `start` with the payload, relays the queue's signals, and stops on the stop
 * message.
 */
export function serveJobThread(
  start: (init: unknown, parent: JobThreadParent) => Promise<JobThreadRuntime>,
): void {
  const self = globalThis as unknown as {
    onmessage: ((event: MessageEvent<ToJobThread>) => void) | null;
    postMessage(message: FromJobThread): void;
    close(): void;
  };
  let started: Promise<{ runtime: JobThreadRuntime; relay: QueueRelay } | undefined> | undefined;
  self.onmessage = async ({ data }) => {
    if (data.type === "start") {
      const parent: JobThreadParent = {
        index: data.index,
        log: relayLogger((level, msg, fields) =>
          self.postMessage({ type: "log", level, msg, fields })
        ),
        runEnded: (run) => self.postMessage({ type: "run", ...run }),
        meter: {
          observeLlmUsage: (model, usage, costUsd) =>
            self.postMessage({ type: "usage", model, usage, costUsd }),
          setBudgetRatio: (budget, ratio) => self.postMessage({ type: "budget", budget, ratio }),
        },
      };
      started = start(data.init, parent).then(
        (runtime) => {
          const relay = relayQueueSignals(runtime.queue, (signal) => self.postMessage(signal));
          self.postMessage({ type: "ready" });
          return { runtime, relay };
        },
        (error) => {
          const message = error instanceof Error ? error.message : String(error);
          self.postMessage({ type: "failed", error: message });
          return undefined;
        },
      );
    } else if (data.type === "stop") {
      const running = await started;
      await running?.runtime.stop(data.graceMs);
      running?.relay.close();
      self.postMessage({ type: "stopped" });
    } else if (isQueueSignal(data)) {
      // Signals before the pool runs wake nobody: its first claim finds the jobs anyway.
      (await started)?.relay.deliver(data);
    }
  };
}

/** A logger that hands every line, unformatted, to `send`; the HTTP thread's logger writes it. */
function relayLogger(
  send: (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void,
  base: Record<string, unknown> = {},
): Logger {
  const at = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) =>
    send(level, msg, { ...base, ...fields });
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    with: (fields) => relayLogger(send, { ...base, ...fields }),
  };
}
