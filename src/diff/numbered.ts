/**
 * Renders hunks for a model with each line's new-side number in front of it, so the model reads
 * the number it must answer instead of counting lines from the `@@` header (which models cannot
 * do reliably).
 * @module
 */

import type { DiffFile, Hunk } from "./diff_file.ts";
import { renderFileHeader, renderHunkHeader } from "./render.ts";

/** A line of the new file shown above a hunk: one that opens the scope the hunk sits in. */
export interface ScopeLine {
  /** Its number in the new file; above the hunk's first line. */
  line: number;
  text: string;
}

/**
 * Renders one hunk for a prompt: its `@@` line as git wrote it, then one line per diff line as
 * `NUMBER MARKER CODE`. The number is the line's number in the new file, right-aligned to the
 * widest number of the hunk; the marker is `+` for an added line and a space for an unchanged
 * one; a removed line has no new-side number, so its number column is blank and its marker `-`.
 *
 * `scopes`, in order, are lines above the hunk that open the function, class or block it sits in
 * (`review.context: scope`): each is shown right after the `@@` line, numbered and marked as
 * unchanged, and a `⋮` line in the marker column stands for the lines left out after it.
 *
 * Every rendered line starts with a digit or a space followed by a digit or marker, so no line of
 * code can close a markdown fence around the diff.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDiff } from "./parse.ts";
 * import { renderNumberedHunk } from "./numbered.ts";
 *
 * const [file] = parseDiff(
 *   "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n" +
 *     "@@ -9,3 +9,3 @@ function f() {\n a();\n-b();\n+c();\n d();\n",
 * );
 * assert.equal(
 *   renderNumberedHunk(file.hunks[0]),
 *   "@@ -9,3 +9,3 @@ function f() {\n" +
 *     " 9   a();\n" +
 *     "   - b();\n" +
 *     "10 + c();\n" +
 *     "11   d();\n",
 * );
 * assert.equal(
 *   renderNumberedHunk(file.hunks[0], [{ line: 2, text: "function f() {" }]),
 *   "@@ -9,3 +9,3 @@ function f() {\n" +
 *     " 2   function f() {\n" +
 *     "   ⋮\n" +
 *     " 9   a();\n" +
 *     "   - b();\n" +
 *     "10 + c();\n" +
 *     "11   d();\n",
 * );
 * ```
 */
export function renderNumberedHunk(hunk: Hunk, scopes: readonly ScopeLine[] = []): string {
  let out = renderHunkHeader(hunk);
  const width = String(lastNewLine(hunk)).length;
  const blank = " ".repeat(width);
  // The enclosing scopes' opening lines, then "⋮" wherever lines are left out before the hunk.
  const top = hunk.lines.find((l) => l.newLine !== null)?.newLine ?? hunk.newStart + 1;
  scopes.forEach((scope, i) => {
    out += `${String(scope.line).padStart(width)}   ${scope.text}\n`;
    const next = i + 1 < scopes.length ? scopes[i + 1].line : top;
    if (next > scope.line + 1) out += `${blank} ⋮\n`;
  });
  for (const line of hunk.lines) {
    if (line.newLine === null) out += `${blank} - ${line.text}\n`;
    else {
      out += `${String(line.newLine).padStart(width)} ${
        line.kind === "add" ? "+" : " "
      } ${line.text}\n`;
    }
    if (line.noNewline) out += "\\ No newline at end of file\n";
  }
  return out;
}

/**
 * Renders a file, or only some of its hunks, as the model sees it: the file's diff header
 * (`renderFileHeader`) followed by each hunk as {@link renderNumberedHunk} renders it.
 */
export function renderNumberedFile(file: DiffFile, hunks: readonly Hunk[] = file.hunks): string {
  let out = renderFileHeader(file);
  for (const hunk of hunks) out += renderNumberedHunk(hunk);
  return out;
}

// The header's end, or a later line if a hand-made hunk runs past it, so every number fits.
function lastNewLine(hunk: Hunk): number {
  const last = Math.max(1, hunk.newStart + hunk.newLines - 1);
  for (let i = hunk.lines.length - 1; i >= 0; i--) {
    const n = hunk.lines[i].newLine;
    if (n !== null) return Math.max(last, n);
  }
  return last;
}
