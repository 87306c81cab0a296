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
 * const lines = commentableLines(file);
 * const inline = lines.has(finding.line);
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
