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
 * giteaAnchor(parseDiff(diff), { path: "a.ts", line: 7, startLine: 5, body, fingerprint }, true);
 * // { path: "a.ts", new_position: 5, old_position: 0, extra_lines_count: 2 }
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
