/**
 * Following a range of lines through a change: whether the change touched the range, and where
 * the range is after it. The life of a review uses it to tell a fixed finding (a push changed its
 * lines) from one that only moved, and to keep an open finding's lines true on the newer head.
 * @module
 */
import type { DiffFile } from "./diff_file.ts";

/** A range of lines of one file, both ends included. */
export interface LineRange {
  path: string;
  start: number;
  end: number;
}

/** What a change did to a range: touched it, or moved it (maybe by nothing) to `range`. */
export type RangeShift = { touched: true } | { touched: false; range: LineRange };

/**
 * Follows `range` (old-side lines) through `files`, a diff from the range's commit to a newer
 * one. The range is touched when a line of it was deleted or changed, a line was inserted
 * between two of its lines, or its file was deleted; otherwise it moves by the lines added and
 * deleted above it, and to the file's new name when the file was renamed. A file the diff does
 * not name is unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDiff } from "./parse.ts";
 * import { shiftRange } from "./shift_range.ts";
 *
 * // Two lines added at the top, line 10 changed.
 * const files = parseDiff("diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n" +
 *   "@@ -0,0 +1,2 @@\n+one\n+two\n@@ -10 +12 @@\n-old\n+new\n");
 * assert.deepEqual(shiftRange(files, { path: "a.ts", start: 5, end: 6 }), {
 *   touched: false,
 *   range: { path: "a.ts", start: 7, end: 8 },
 * });
 * assert.deepEqual(shiftRange(files, { path: "a.ts", start: 10, end: 10 }), { touched: true });
 * ```
 */
export function shiftRange(files: readonly DiffFile[], range: LineRange): RangeShift {
  const file = files.find((f) => (f.oldPath ?? f.path) === range.path);
  if (!file) return { touched: false, range };
  if (file.newPath === null) return { touched: true };
  let offset = 0;
  for (const hunk of file.hunks) {
    // The old line the next line of the hunk stands before (insertions sit before it).
    let oldAt = hunk.oldLines === 0 ? hunk.oldStart + 1 : hunk.oldStart;
    if (oldAt > range.end + 1) break;
    for (const line of hunk.lines) {
      if (line.kind === "context") {
        oldAt++;
      } else if (line.kind === "del") {
        if (oldAt >= range.start && oldAt <= range.end) return { touched: true };
        if (oldAt < range.start) offset--;
        oldAt++;
      } else {
        if (oldAt > range.start && oldAt <= range.end) return { touched: true };
        if (oldAt <= range.start) offset++;
      }
    }
  }
  return {
    touched: false,
    range: { path: file.newPath, start: range.start + offset, end: range.end + offset },
  };
}
