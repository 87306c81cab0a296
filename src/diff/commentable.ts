/**
 * Which lines of a file a review comment can be attached to.
 * @module
 */

import type { DiffFile } from "./diff_file.ts";

/**
 * Line numbers that can carry an inline comment: added and context lines on the new side
 * (the default), deleted and context lines on the old side. Forges reject inline comments on
 * lines outside the diff, so findings are checked against this set before they are posted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commentableLines } from "./commentable.ts";
 * import { parseDiff } from "./parse.ts";
 *
 * const [file] = parseDiff(
 *   "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1,2 +1,2 @@\n keep\n-old\n+new\n",
 * );
 * assert.deepEqual(commentableLines(file), new Set([1, 2])); // "keep" and "new"
 * assert.deepEqual(commentableLines(file, "old"), new Set([1, 2])); // "keep" and "old"
 * assert.equal(commentableLines(file).has(3), false); // outside the diff: no inline comment
 * ```
 */
export function commentableLines(file: DiffFile, side: "new" | "old" = "new"): Set<number> {
  const out = new Set<number>();
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      const n = side === "new" ? line.newLine : line.oldLine;
      if (n !== null) out.add(n);
    }
  }
  return out;
}
