/**
 * How the admin API writes a stored time: epoch milliseconds (a number, or a bigint column read
 * back as a number) as ISO 8601, null kept as null.
 * @module
 */

/**
 * `ms` as an ISO 8601 string, or null. Total: a time no date can hold (past ±8.64e15 ms, or not
 * a number — a Retry-After of 1e23 ms stored before waits were capped) is null too, so one odd
 * row never turns a whole listing into a 500.
 *
 * @example
 * ```ts
 * import { iso } from "./iso.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(iso(0), "1970-01-01T00:00:00.000Z");
 * assert.equal(iso(1e23), null);
 * ```
 */
export function iso(ms: number | null): string | null {
  if (ms === null) return null;
  const date = new Date(Number(ms));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
