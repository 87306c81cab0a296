/**
 * How long a platform asks Loom to wait before calling again, from the headers of its answer.
 * @module
 */

/**
 * `Retry-After` (seconds, or an HTTP date) in milliseconds from `now`; undefined when the header
 * is absent or unreadable, so that the caller falls back to its own wait. A date in the past
 * gives 0.
 *
 * @example
 * ```ts
 * parseRetryAfter(res.headers.get("retry-after"), Date.now()); // "7" → 7000
 * ```
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait until a rate-limit window resets, from a header giving the reset as epoch seconds
 * (`x-ratelimit-reset`, `ratelimit-reset`), plus `marginMs`; undefined when the header is absent
 * or not a positive number. A reset in the past gives `marginMs`.
 *
 * @example
 * ```ts
 * untilReset(res.headers.get("x-ratelimit-reset"), Date.now(), 1000);
 * ```
 */
export function untilReset(value: string | null, now: number, marginMs = 0): number | undefined {
  const reset = Number(value);
  return Number.isFinite(reset) && reset > 0
    ? Math.max(0, reset * 1000 - now) + marginMs
    : undefined;
}
