/**
 * Reading how long a server wants Loom to back off, from the headers of its answer: model
 * endpoints and git platforms alike.
 * @module
 */

/**
 * Milliseconds to wait before retrying a model endpoint, from `retry-after-ms` (OpenAI, Azure)
 * or the standard `Retry-After` (seconds or an HTTP date); `undefined` when neither is present
 * and valid. Seconds must be written as decimal digits. A date in the past gives 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retryAfterMs } from "./retry_after.ts";
 *
 * assert.equal(retryAfterMs(new Headers({ "retry-after": "2" })), 2000);
 * ```
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && isDecimal(ms)) return Math.max(0, Number(ms));

  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  return isDecimal(value) ? Math.max(0, Number(value) * 1000) : untilDate(value, now);
}

/**
 * A platform's `Retry-After` value (seconds, or an HTTP date) in milliseconds from `now`;
 * undefined when the header is absent or unreadable, so that the caller falls back to its own
 * wait. Seconds are read as any number JavaScript reads. A date in the past gives 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRetryAfter } from "./retry_after.ts";
 *
 * const now = Date.parse("2026-01-01T12:00:00Z");
 * assert.equal(parseRetryAfter("7", now), 7000);
 * assert.equal(parseRetryAfter("Thu, 01 Jan 2026 12:00:30 GMT", now), 30_000);
 * ```
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? Math.max(0, seconds * 1000) : untilDate(value, now);
}

/**
 * The wait until a rate-limit window resets, from a header giving the reset as epoch seconds
 * (`x-ratelimit-reset`, `ratelimit-reset`), plus `marginMs`; undefined when the header is absent
 * or not a positive number. A reset in the past gives `marginMs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { untilReset } from "./retry_after.ts";
 *
 * const now = Date.parse("2026-01-01T12:00:00Z");
 * assert.equal(untilReset(String(now / 1000 + 60), now, 1000), 61_000);
 * ```
 */
export function untilReset(value: string | null, now: number, marginMs = 0): number | undefined {
  const reset = Number(value);
  return Number.isFinite(reset) && reset > 0
    ? Math.max(0, reset * 1000 - now) + marginMs
    : undefined;
}

function untilDate(value: string, now: number): number | undefined {
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isDecimal(text: string): boolean {
  return /^\s*\d+(\.\d+)?\s*$/.test(text);
}
