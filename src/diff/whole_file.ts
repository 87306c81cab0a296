/**
 * A file's diff with the whole new file as its context: one hunk from the first line to the
 * last, for a prompt that shows a small file whole rather than only around its changes.
 * @module
 */
import type { DiffFile, DiffLine, Hunk } from "./diff_file.ts";

/**
 * One hunk holding every line of the new file (`lines`, without line ends) as unchanged context,
 * with `file`'s added lines marked added and its removed lines in place, so that
 * `renderNumberedHunk` shows the whole file in the numbered format, each line with its number.
 * Null when `lines` is not the file the diff was made against (a line the diff shows differs),
 * or the file has no new side.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDiff } from "./parse.ts";
 * import { renderNumberedHunk } from "./numbered.ts";
 * import { wholeFileHunk } from "./whole_file.ts";
 *
 * const [file] = parseDiff(
 *   "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -2,1 +2,1 @@\n-b();\n+c();\n",
 * );
 * const hunk = wholeFileHunk(file, ["a();", "c();", "d();"]);
 * assert.equal(
 *   renderNumberedHunk(hunk!),
 *   "@@ -1,3 +1,3 @@\n1   a();\n  - b();\n2 + c();\n3   d();\n",
 * );
 * ```
 */
export function wholeFileHunk(file: DiffFile, lines: readonly string[]): Hunk | null {
  if (file.newPath === null || file.binary) return null;
  const out: DiffLine[] = [];
  let next = 1; // the next new-side line not yet in `out`
  let oldLine = 1;
  const context = (upTo: number) => {
    for (; next < upTo; next++) {
      out.push({ kind: "context", text: lines[next - 1], oldLine: oldLine++, newLine: next });
    }
  };
  for (const hunk of file.hunks) {
    const first = hunk.lines.find((l) => l.newLine !== null)?.newLine ?? hunk.newStart + 1;
    context(first);
    for (const line of hunk.lines) {
      if (line.newLine !== null) {
        if (line.newLine !== next || lines[next - 1] !== line.text) return null;
        next++;
      }
      out.push({ ...line });
      if (line.oldLine !== null) oldLine = line.oldLine + 1;
    }
  }
  context(lines.length + 1);
  if (next !== lines.length + 1) return null;
  const newLines = out.filter((l) => l.newLine !== null).length;
  const oldLines = out.filter((l) => l.oldLine !== null).length;
  return {
    oldStart: oldLines === 0 ? 0 : 1,
    oldLines,
    newStart: 1,
    newLines,
    header: "",
    lines: out,
  };
}
