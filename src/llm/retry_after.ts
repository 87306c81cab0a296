/**
 * Reading how long a server wants us to back off.
 * @module
 */

/**
 * Milliseconds to wait before retrying, from `retry-after-ms` (OpenAI, Azure) or the standard
 * `Retry-After` (seconds or an HTTP date); `undefined` when neither is present and valid.
 * A date in the past gives 0.
 *
 * @example
 * ```ts
 * retryAfterMs(new Headers({ "retry-after": "2" })); // 2000
 * ```
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && isNumber(ms)) return Math.max(0, Number(ms));

  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (isNumber(value)) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isNumber(text: string): boolean {
  return /^\s*\d+(\.\d+)?\s*$/.test(text);
}
