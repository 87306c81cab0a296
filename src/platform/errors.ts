/**
 * The two errors an adapter throws: an API call that failed, and a delivery that is malformed.
 * @module
 */

/** A platform API call that failed; read by the queue by shape (`retryable`, `retryAfterMs`). */
export class PlatformError extends Error {
  status: number;
  retryable: boolean;
  retryAfterMs?: number;
  constructor(
    message: string,
    options: { status: number; retryable: boolean; retryAfterMs?: number },
  ) {
    super(message);
    this.name = "PlatformError";
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
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
