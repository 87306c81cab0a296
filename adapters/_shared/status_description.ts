/**
 * Fitting a commit status's description into a platform's limit.
 * @module
 */

/**
 * `text` when it fits in `max` characters, else its first `max - 1` and an ellipsis: GitHub
 * refuses a description over 140 characters, other platforms show a long one badly, and a cut
 * one still reads as one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statusDescription } from "./status_description.ts";
 *
 * assert.equal(statusDescription("Loom found 3 problems", 140), "Loom found 3 problems");
 * const cut = statusDescription("Loom found ".padEnd(200, "x"), 140);
 * assert.equal(cut.length, 140);
 * assert.ok(cut.endsWith("x…"));
 * ```
 */
export function statusDescription(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}
