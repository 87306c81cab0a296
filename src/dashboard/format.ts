/**
 * How the dashboard writes times and counts, the same on every page.
 * @module
 */

/**
 * An epoch-ms time as `YYYY-MM-DD HH:MM:SS` in UTC (servers and their logs speak UTC), or "—".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatTime } from "./format.ts";
 *
 * assert.equal(formatTime(Date.UTC(2026, 11, 2, 13, 5, 9)), "2026-12-02 13:05:09");
 * assert.equal(formatTime(null), "—");
 * ```
 */
export function formatTime(ms: number | null | undefined): string {
  // Past ±8.64e15 no Date exists and toISOString throws; one odd row must not fail a page.
  if (ms === null || ms === undefined || !(Math.abs(ms) <= 8.64e15)) return "—";
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * A count with thousands grouped and large ones shortened: `1,234`, `56.7k`, `8.9M`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatCount } from "./format.ts";
 *
 * assert.equal(formatCount(1234), "1,234");
 * assert.equal(formatCount(56_700), "56.7k");
 * assert.equal(formatCount(8_900_000), "8.9M");
 * ```
 */
export function formatCount(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${(n / 1_000).toFixed(1)}k`;
  return n.toLocaleString("en-US");
}

/**
 * A duration in ms as `850 ms`, `12.3 s` or `4 min 05 s`, or "—".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDuration } from "./format.ts";
 *
 * assert.equal(formatDuration(850), "850 ms");
 * assert.equal(formatDuration(12_345), "12.3 s");
 * assert.equal(formatDuration(245_000), "4 min 05 s");
 * ```
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const s = Math.round(ms / 1_000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/**
 * US dollars, with cents, or two significant digits under a cent; "—" when unknown (a model
 * with no price).
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
 * The first 10 characters of a commit sha, or "—".
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
