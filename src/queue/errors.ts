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

/**
 * Reads an error the duck-typed way, so errors from other modules (an LLM or platform client)
 * need not extend ours: `retryable: false` means permanent, a numeric `retryAfterMs` is the
 * delay the remote asked for. Anything else is retryable with backoff.
 */
export function classifyError(error: unknown): { retryable: boolean; retryAfterMs?: number } {
  if (typeof error === "object" && error !== null) {
    const e = error as { retryable?: unknown; retryAfterMs?: unknown };
    const retryAfterMs = typeof e.retryAfterMs === "number" && e.retryAfterMs >= 0
      ? e.retryAfterMs
      : undefined;
    return { retryable: e.retryable !== false, retryAfterMs };
  }
  return { retryable: true };
}

/** The message to store for an error: never its stack, never longer than 2,000 characters. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 2_000 ? text.slice(0, 2_000) + "…" : text;
}
