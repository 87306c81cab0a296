/**
 * The line a diff carries for a file too large to diff (where Loom builds the diff itself, on
 * Azure DevOps): the file is listed, without lines, so the review can say it was not reviewed
 * rather than leave it out silently. Shaped like git's `Binary files … differ`.
 * @module
 */

const SUFFIX = " are too large to diff";

/**
 * The line for a file whose sides are `a` and `b` (as in `---`/`+++`: `a/x`, `/dev/null`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isTooLargeToDiffLine, tooLargeToDiffLine } from "./too_large.ts";
 *
 * const line = tooLargeToDiffLine("a/big.sql", "b/big.sql");
 * assert.equal(line, "Files a/big.sql and b/big.sql are too large to diff");
 * assert.ok(isTooLargeToDiffLine(line));
 * ```
 */
export function tooLargeToDiffLine(a: string, b: string): string {
  return `Files ${a} and ${b}${SUFFIX}`;
}

/** True for a line {@link tooLargeToDiffLine} wrote. */
export function isTooLargeToDiffLine(line: string): boolean {
  return line.startsWith("Files ") && line.endsWith(SUFFIX);
}
