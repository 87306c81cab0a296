/**
 * The two errors an adapter throws: an API call that failed, and a delivery that is malformed.
 * @module
 */

/**
 * A platform API call that failed; read by the queue by shape (`retryable`, `retryAfterMs`,
 * `rateLimited`).
 */
export class PlatformError extends Error {
  status: number;
  retryable: boolean;
  retryAfterMs?: number;
  /**
   * The platform said "too many requests" (429, or GitHub's rate-limit 403): the queue waits it
   * out without spending an attempt. A 429 counts as one even when this is not set.
   */
  rateLimited: boolean;
  constructor(
    message: string,
    options: { status: number; retryable: boolean; retryAfterMs?: number; rateLimited?: boolean },
  ) {
    super(message);
    this.name = "PlatformError";
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.rateLimited = options.rateLimited ?? options.status === 429;
  }
}

/** A delivery whose body is not what the platform documents; answered 400 with `message`. */
export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookPayloadError";
  }
}

/**
 * A pull request whose diff is larger than Loom reads (`LOOM_MAX_DIFF_BYTES`): the adapter
 * stopped reading at the limit, so the review ends with a summary saying so instead of holding,
 * storing and parsing a diff of any size a pull request author chooses.
 */
export class DiffTooLargeError extends Error {
  /** The limit the diff went past, in bytes. */
  maxBytes: number;
  constructor(maxBytes: number) {
    super(`the diff is larger than ${maxBytes} bytes (LOOM_MAX_DIFF_BYTES)`);
    this.name = "DiffTooLargeError";
    this.maxBytes = maxBytes;
  }
}
