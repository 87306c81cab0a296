/**
 * The one error type calls to a model end in.
 * @module
 */

import type { Usage } from "./usage.ts";

/**
 * Why a call to a model failed:
 * - `timeout`: no answer within the model's `timeoutS` (or the server answered 408);
 * - `rate_limited`: 429, see `retryAfterMs`;
 * - `server`: 5xx or an answer without choices;
 * - `network`: the server could not be reached;
 * - `client`: any other 4xx, e.g. a bad key (401) or an unknown model (404);
 * - `unparseable`: no usable findings JSON, even after one re-ask;
 * - `length`: output cut at `max_tokens` before a single complete finding;
 * - `too_large`: the response went past `LOOM_LLM_MAX_RESPONSE_BYTES` (after decompression);
 * - `aborted`: the caller's AbortSignal fired (the job was cancelled).
 */
export type LlmErrorKind =
  | "timeout"
  | "rate_limited"
  | "server"
  | "client"
  | "unparseable"
  | "length"
  | "too_large"
  | "network"
  | "aborted";

const RETRYABLE_BY_DEFAULT: Record<LlmErrorKind, boolean> = {
  timeout: true,
  rate_limited: true,
  server: true,
  network: true,
  client: false,
  unparseable: false,
  length: false,
  // The same endpoint would send the same oversized answer again.
  too_large: false,
  aborted: false,
};

/** Details of an {@link LlmError}; `retryable` defaults by kind. */
export interface LlmErrorOptions {
  retryable?: boolean;
  retryAfterMs?: number;
  status?: number;
  usage?: Usage;
  /** What may be shown to a whole pull request; defaults to the message. */
  publicMessage?: string;
}

/**
 * A failed call to a model, classified so Loom's durable queue can decide to retry (and when)
 * without parsing messages. Messages name the model and its base URL, never the API key.
 *
 * Two texts: `message` carries what the endpoint said (its error body, the start of an answer
 * that could not be used), redacted, for the admin API, the log and the CLI; `publicMessage`
 * only which model failed and how (HTTP status, timeout, refused connection, unusable answer),
 * for the summary comment. An endpoint a repository's config reaches may be an internal service
 * whose error pages hold secrets: its words never reach a comment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LlmError } from "./llm_error.ts";
 *
 * const limited = new LlmError("rate_limited", "slow down", { status: 429, retryAfterMs: 2000 });
 * assert.equal(limited.retryable, true);
 * assert.equal(limited.retryAfterMs, 2000);
 * assert.equal(new LlmError("client", "bad key", { status: 401 }).retryable, false);
 * const failed = new LlmError("server", "m failed (HTTP 500): db password=…", {
 *   publicMessage: "m failed (HTTP 500)",
 * });
 * assert.equal(failed.publicMessage, "m failed (HTTP 500)");
 * ```
 */
export class LlmError extends Error {
  override name = "LlmError";
  readonly kind: LlmErrorKind;
  /** True when the same request may succeed later (timeouts, 429, 5xx, network). */
  readonly retryable: boolean;
  /** How long the server asked us to wait (`Retry-After`), when it said. */
  readonly retryAfterMs?: number;
  /** HTTP status of the failed call, when there was one. */
  readonly status?: number;
  /** Tokens already spent by the calls that did answer before the failure. */
  usage?: Usage;
  /** Which model failed and how, without a word the endpoint sent: safe for a comment. */
  readonly publicMessage: string;

  constructor(kind: LlmErrorKind, message: string, options: LlmErrorOptions = {}) {
    super(message);
    this.kind = kind;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT[kind];
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.status !== undefined) this.status = options.status;
    if (options.usage !== undefined) this.usage = options.usage;
    this.publicMessage = options.publicMessage ?? message;
  }
}
