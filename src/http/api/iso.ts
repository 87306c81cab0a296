/**
 * How the admin API writes a stored time: epoch milliseconds (a number, or a bigint column read
 * back as a number) as ISO 8601, null kept as null.
 * @module
 */

/** `ms` as an ISO 8601 string, or null. */
export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(Number(ms)).toISOString();
}
