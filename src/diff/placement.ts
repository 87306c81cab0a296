/**
 * Whether an inline comment may sit on given lines of a diff: the one rule every adapter applies
 * before, or instead of, asking its platform.
 * @module
 */

import { commentableLines } from "./commentable.ts";
import type { DiffFile } from "./diff_file.ts";

/** The new-side lines an inline comment would cover: `line`, or `startLine` through `line`. */
export interface CommentLines {
  path: string;
  /** The last (or only) new-side line. */
  line: number;
  /** The first line of a range; equal to `line`, or absent, for a single line. */
  startLine?: number;
}

/**
 * The first line of a comment that covers several lines, or undefined for a single line: a
 * `startLine` equal to `line` is one line, and platforms refuse it sent as a range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rangeStart } from "./placement.ts";
 *
 * assert.equal(rangeStart({ path: "a.ts", line: 7, startLine: 5 }), 5);
 * assert.equal(rangeStart({ path: "a.ts", line: 7, startLine: 7 }), undefined);
 * assert.equal(rangeStart({ path: "a.ts", line: 7 }), undefined);
 * ```
 */
export function rangeStart(at: CommentLines): number | undefined {
  return at.startLine !== undefined && at.startLine !== at.line ? at.startLine : undefined;
}

/**
 * Why a comment cannot sit on `at` in the diff `files`, or null when it can. Its path must be a
 * file of the diff on the new side (not a deleted file, nor the old name of a renamed one) that
 * has text, its line an added or context line, and a range must start before it ends within
 * one hunk: platforms refuse, misplace or lose comments that break any of these.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDiff } from "./parse.ts";
 * import { placementProblem } from "./placement.ts";
 *
 * const files = parseDiff(
 *   "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-x\n+y\n",
 * );
 * assert.equal(placementProblem(files, { path: "a.ts", line: 1 }), null);
 * assert.equal(
 *   placementProblem(files, { path: "a.ts", line: 9 }),
 *   "line 9 of a.ts is not part of the diff",
 * );
 * ```
 */
export function placementProblem(files: readonly DiffFile[], at: CommentLines): string | null {
  const { path, line } = at;
  const file = files.find((f) => f.newPath === path);
  if (!file) return `${path} is not a file of the diff`;
  if (file.binary) return `${path} is a binary file`;
  if (!Number.isInteger(line) || !commentableLines(file, "new").has(line)) {
    return `line ${line} of ${path} is not part of the diff`;
  }
  const start = rangeStart(at);
  if (start === undefined) return null;
  if (start > line) return `the range ${start}-${line} of ${path} starts after it ends`;
  const hunk = file.hunks.find((h) => h.lines.some((l) => l.newLine === line));
  if (!hunk?.lines.some((l) => l.newLine === start)) {
    return `lines ${start}-${line} of ${path} are not in one hunk of the diff`;
  }
  return null;
}
