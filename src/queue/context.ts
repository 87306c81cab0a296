/**
 * What every queue operation needs: the store, a clock, the aging step and the wake-up signals.
 * Passed in rather than imported so tests can hand in a fake clock.
 * @module
 */
import type { Kysely } from "kysely";
import type { StoreKind, Tables } from "../db/mod.ts";
import type { BackoffOptions } from "./errors.ts";
import type { Wakeup } from "./wakeup.ts";

/** See the module doc. */
export interface QueueContext {
  db: Kysely<Tables>;
  /** For writes whose loss in a database crash only re-runs a job; see `Database.relaxedDb`. */
  relaxedDb: Kysely<Tables>;
  store: StoreKind;
  now: () => number;
  agingMs: number;
  backoff: BackoffOptions;
  /** The most a job waits out rate limits in all, in ms, before it fails (LOOM_MAX_RATE_LIMIT_WAIT_S). */
  maxRateLimitWaitMs: number;
  /** Fired on enqueue and retry: idle workers in this process claim at once. */
  wakeup: Wakeup;
  /** Fired with a job id when a job is cancelled, so a handler running here is aborted at once. */
  cancellations: Set<(jobId: number) => void>;
}
