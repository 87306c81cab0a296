/**
 * Checking inline comment anchors against the diff before they go to Bitbucket Cloud.
 *
 * Bitbucket documents no check of an inline comment's line against the diff, so a comment on a
 * line the change does not touch could land nowhere a reader looks. Loom checks each anchor
 * itself, against the diff the pull request shows, and keeps the ones that fail for the summary.
 * @module
 */

import { commentableLines, type DiffFile } from "../../src/diff/mod.ts";
import type { InlineComment } from "../../src/platform/mod.ts";

/**
 * Why `c` cannot be anchored on the new side of `files`, or null when it can: its path must be
 * a file of the diff that still exists, its line a new-side line of a hunk, and a range's first
 * line must come before its last within the same hunk.
 *
 * @example
 * ```ts
 * anchorProblem(parseDiff(diff), { path: "a.ts", line: 99, body: "…", fingerprint: "f" });
 * // "line 99 of a.ts is not part of the diff"
 * ```
 */
export function anchorProblem(files: DiffFile[], c: InlineComment): string | null {
  const file = files.find((f) => f.newPath === c.path);
  if (!file) return `${c.path} is not a file of the diff`;
  if (!Number.isInteger(c.line) || !commentableLines(file, "new").has(c.line)) {
    return `line ${c.line} of ${c.path} is not part of the diff`;
  }
  if (c.startLine === undefined || c.startLine === c.line) return null;
  if (!Number.isInteger(c.startLine) || c.startLine > c.line) {
    return `the range ${c.startLine}-${c.line} of ${c.path} starts after it ends`;
  }
  const hunk = file.hunks.find((h) => h.lines.some((l) => l.newLine === c.line));
  if (!hunk?.lines.some((l) => l.newLine === c.startLine)) {
    return `lines ${c.startLine}-${c.line} of ${c.path} are not in one hunk of the diff`;
  }
  return null;
}
