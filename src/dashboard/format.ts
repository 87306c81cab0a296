/**
 * How dashboard pages write stored numbers: times, durations, token counts, shas, money.
 * @module
 */

/**
 * Epoch ms as `YYYY-MM-DD HH:MM:SS` UTC; `—` for null or a time no date can hold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTime } from "./format.ts";
 *
 * assert.equal(formatTime(0), "1970-01-01 00:00:00");
 * assert.equal(formatTime(null), "—");
 * ```
 */
export function formatTime(ms: number | null): string {
  if (ms === null) return "—";
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) return "—";
  return date.toISOString().slice(0, 19).replace("T", " ");
}

/**
 * A duration in ms as `850 ms`, `12.3 s` or `4 min 5 s`; `—` for null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDuration } from "./format.ts";
 *
 * assert.equal(formatDuration(850), "850 ms");
 * assert.equal(formatDuration(12_345), "12.3 s");
 * assert.equal(formatDuration(245_000), "4 min 5 s");
 * ```
 */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * A count with thousands separators.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCount } from "./format.ts";
 *
 * assert.equal(formatCount(1234567), "1,234,567");
 * ```
 */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/**
 * US dollars, with cents, or more digits under a cent; `—` when unknown (a model with no price).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatUsd } from "./format.ts";
 *
 * assert.equal(formatUsd(1.5), "$1.50");
 * assert.equal(formatUsd(0.00042), "$0.00042");
 * assert.equal(formatUsd(null), "—");
 * ```
 */
export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return "—";
  if (usd !== 0 && Math.abs(usd) < 0.01) return `$${Number(usd.toPrecision(2))}`;
  return `$${usd.toFixed(2)}`;
}

/**
 * The first 10 characters of a commit sha, or `—`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shortSha } from "./format.ts";
 *
 * assert.equal(shortSha("0123456789abcdef"), "0123456789");
 * ```
 */
export function shortSha(sha: string | null): string {
  return sha ? sha.slice(0, 10) : "—";
}
