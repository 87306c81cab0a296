/**
 * Where an inline comment goes in a Gitea or Forgejo review, checked against the diff first:
 * Gitea does not check a line against the diff, it answers 500 for a comment it cannot place,
 * and that 500 takes the whole review down with it.
 * @module
 */

import { type DiffFile, placementProblem, rangeStart } from "../../src/diff/mod.ts";
import type { InlineComment } from "../../src/platform/mod.ts";

/** One entry of a review's `comments`, as the API takes it. */
export interface GiteaReviewAnchor {
  path: string;
  /** The new-file line number (not a diff offset). */
  new_position: number;
  /** Always 0: a positive `old_position` wins over `new_position` and moves the comment. */
  old_position: 0;
  /** Forgejo: the lines after `new_position` the comment covers. */
  extra_lines_count?: number;
}

/**
 * The anchor of `c` in the diff `files`, or why it cannot be placed (`placementProblem`). A range
 * is anchored on its first line; with `ranges` (Forgejo's `extra_lines_count`) it covers the
 * rest, and without it (Gitea) it is that first line alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDiff } from "../../src/diff/mod.ts";
 * import { giteaAnchor } from "./_anchors.ts";
 *
 * const files = parseDiff(
 *   "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -4,2 +4,4 @@\n a\n+b\n+c\n+d\n b\n",
 * );
 * const comment = { path: "a.ts", line: 7, startLine: 5, body: "Extract this", fingerprint: "f1" };
 * // Forgejo covers the range; Gitea gets its first line.
 * assert.deepEqual(giteaAnchor(files, comment, true), {
 *   path: "a.ts",
 *   new_position: 5,
 *   old_position: 0,
 *   extra_lines_count: 2,
 * });
 * assert.deepEqual(giteaAnchor(files, comment, false), {
 *   path: "a.ts",
 *   new_position: 5,
 *   old_position: 0,
 * });
 * assert.deepEqual(giteaAnchor(files, { ...comment, line: 9, startLine: undefined }, true), {
 *   reason: "line 9 of a.ts is not part of the diff",
 * });
 * ```
 */
export function giteaAnchor(
  files: DiffFile[],
  c: InlineComment,
  ranges: boolean,
): GiteaReviewAnchor | { reason: string } {
  const reason = placementProblem(files, c);
  if (reason !== null) return { reason };
  const start = rangeStart(c);
  if (start === undefined) return { path: c.path, new_position: c.line, old_position: 0 };
  return ranges
    ? { path: c.path, new_position: start, old_position: 0, extra_lines_count: c.line - start }
    : { path: c.path, new_position: start, old_position: 0 };
}
