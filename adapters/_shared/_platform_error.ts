/**
 * What an error answer from a platform's API means to the queue: the same rules on every
 * platform, with each platform's name, wording and rate-limit signals filled in by its client.
 * @module
 */

import { PlatformError } from "../../src/platform/mod.ts";

/** An API call the platform answered with an error status, as its client read it. */
export interface FailedCall {
  /** The platform as messages name it: `GitHub`, `Azure DevOps`. */
  platform: string;
  /** What a 401 says the platform refused: `the token` or `the credentials`. */
  credential: string;
  /** The call, `GET /repos/o/r/pulls/1`: method and path, never a header or a credential. */
  what: string;
  status: number;
  /** The platform's own explanation, taken from its error body; empty when it gave none. */
  message: string;
  /** The message of the permanent error for a 404, when the caller knows what is missing. */
  notFound?: string;
  /** How long a 5xx asked to wait (`Retry-After`); undefined leaves it to the queue's backoff. */
  retryAfterMs?: number;
  /**
   * Set when the platform's own signals make the answer a rate limit (429 everywhere; GitHub
   * also some 403s), with how long to wait; an undefined wait leaves it to the queue's backoff.
   */
  rateLimit?: { waitMs: number | undefined };
}

/**
 * The {@link PlatformError} for a failed call: a rate limit and 5xx are retryable (after their
 * wait), a 401 is a permanent "rejected the credentials", a 404 takes `notFound` when given,
 * and any other status is permanent with the platform's message. Statuses a platform treats
 * apart (redirects on Gitea and Azure DevOps) are its client's to check first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { platformError } from "./_platform_error.ts";
 *
 * const error = platformError({
 *   platform: "Gitea",
 *   credential: "the token",
 *   what: "GET /api/v1/user",
 *   status: 401,
 *   message: "token is required",
 * });
 * assert.equal(
 *   error.message,
 *   "Gitea rejected the token (401: token is required) on GET /api/v1/user",
 * );
 * assert.equal(error.retryable, false);
 * ```
 */
export function platformError(call: FailedCall): PlatformError {
  const { platform, what, status } = call;
  const said = call.message ? `: ${call.message}` : "";
  if (call.rateLimit) {
    return new PlatformError(`${platform} rate limit on ${what} (${status}${said})`, {
      status,
      retryable: true,
      retryAfterMs: call.rateLimit.waitMs,
      rateLimited: true,
    });
  }
  if (status >= 500) {
    return new PlatformError(`${platform} ${what} failed with ${status}${said}`, {
      status,
      retryable: true,
      retryAfterMs: call.retryAfterMs,
    });
  }
  if (status === 401) {
    return new PlatformError(`${platform} rejected ${call.credential} (401${said}) on ${what}`, {
      status,
      retryable: false,
    });
  }
  if (status === 404 && call.notFound) {
    return new PlatformError(call.notFound, { status, retryable: false });
  }
  return new PlatformError(`${platform} ${what} failed with ${status}${said}`, {
    status,
    retryable: false,
  });
}
