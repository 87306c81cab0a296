/**
 * How a handler says why it failed, and how long to wait before the next attempt.
 * @module
 */

/** A failure worth retrying (network, timeout, 429, 5xx); may carry the delay the remote asked for. */
export class RetryableError extends Error {
  retryable = true as const;
  retryAfterMs?: number;
  constructor(message: string, options?: { retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = "RetryableError";
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** A failure that another attempt cannot fix (bad config, 4xx): the job goes straight to `dead`. */
export class PermanentError extends Error {
  retryable = false as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentError";
  }
}

/** Backoff parameters. */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  random?: () => number;
}

/** Default backoff: 1 s, 2 s, 4 s … capped at 10 minutes, each with jitter. */
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 600_000 };

/**
 * Delay before attempt `attempt + 1`: exponential, with "equal jitter" (half fixed, half random)
 * so that jobs failing together do not all come back together.
 */
export function backoffMs(attempt: number, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The longest single wait the queue schedules, whatever a remote's Retry-After asks: 1 h. */
export const MAX_WAIT_MS = 3_600_000;

/** How an error reads to the queue; see {@link classifyError}. */
export interface ErrorClass {
  retryable: boolean;
  /** The delay the remote asked for, as sent (the queue caps it). */
  retryAfterMs?: number;
  /** The remote said "too many requests": waiting it out is not a failed attempt. */
  rateLimited: boolean;
}

/**
 * Reads an error the duck-typed way, so errors from other modules (an LLM or platform client)
 * need not extend ours: `retryable: false` means permanent, a numeric `retryAfterMs` is the
 * delay the remote asked for, `rateLimited: true` or HTTP `status` 429 (a `PlatformError`) or
 * `kind: "rate_limited"` (an `LlmError`) a rate limit. Anything else is retryable with backoff.
 *
 * @example
 * ```ts
 * import { classifyError } from "./errors.ts";
 * import assert from "node:assert/strict";
 *
 * const limited = Object.assign(new Error("429"), { status: 429, retryable: true });
 * assert.deepEqual(classifyError(limited), { retryable: true, rateLimited: true });
 * ```
 */
export function classifyError(error: unknown): ErrorClass {
  if (typeof error === "object" && error !== null) {
    const e = error as {
      retryable?: unknown;
      retryAfterMs?: unknown;
      rateLimited?: unknown;
      status?: unknown;
      kind?: unknown;
    };
    const retryAfterMs = typeof e.retryAfterMs === "number" && e.retryAfterMs >= 0
      ? e.retryAfterMs
      : undefined;
    const retryable = e.retryable !== false;
    const rateLimited = retryable &&
      (e.rateLimited === true || e.status === 429 || e.kind === "rate_limited");
    return { retryable, rateLimited, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  return { retryable: true, rateLimited: false };
}

/**
 * The wait after a rate limit that named no delay (Bitbucket sends no Retry-After): as long as
 * the job has waited so far, at least `baseMs`, at most `capMs`, with the same jitter as
 * {@link backoffMs}. Attempts do not grow while a job waits, so the total waited sets the pace:
 * the waits double, as they would by attempt.
 */
export function rateLimitBackoffMs(
  waitedMs: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const random = options.random ?? Math.random;
  const ceiling = Math.min(options.capMs, Math.max(options.baseMs, waitedMs));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The message to store for an error: never its stack, never longer than 2,000 characters. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 2_000 ? text.slice(0, 2_000) + "…" : text;
}
