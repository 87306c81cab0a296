/**
 * Renders parsed diffs back to unified diff text (git's own format, which parses back).
 * @module
 */

import type { DiffFile, Hunk } from "./diff_file.ts";
import { quotePath } from "./quote.ts";

/**
 * Renders a file, or only some of its hunks, as unified diff text ending in a newline.
 *
 * The header is the same whichever hunks are passed, so a file split across several requests
 * still shows the model its name, status and modes in each. `index` lines and binary payloads
 * are left out: they cost tokens and tell a reviewer nothing. The output parses back with
 * `parseDiff` to an equal file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDiff } from "./parse.ts";
 * import { renderFileDiff } from "./render.ts";
 *
 * const diff = "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n" +
 *   "@@ -1 +1 @@\n-x\n+y\n@@ -20 +20 @@\n-p\n+q\n";
 * const [file] = parseDiff(diff);
 * assert.equal(renderFileDiff(file), diff);
 * // Only the second hunk, under the same header.
 * const secondHunk = renderFileDiff(file, file.hunks.slice(1));
 * assert.equal(
 *   secondHunk,
 *   "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -20 +20 @@\n-p\n+q\n",
 * );
 * assert.deepEqual(parseDiff(secondHunk)[0].hunks, file.hunks.slice(1));
 * ```
 */
export function renderFileDiff(file: DiffFile, hunks: readonly Hunk[] = file.hunks): string {
  let out = renderFileHeader(file);
  for (const hunk of hunks) out += renderHunk(hunk);
  return out;
}

/**
 * Renders the header of a file: everything {@link renderFileDiff} emits before the first hunk.
 * `renderFileHeader(f) + hunks.map(renderHunk).join("")` equals `renderFileDiff(f, hunks)`.
 */
export function renderFileHeader(file: DiffFile): string {
  const oldName = file.oldPath ?? file.path;
  const newName = file.newPath ?? file.path;
  const a = file.oldPath === null ? "/dev/null" : quotePath(`a/${file.oldPath}`);
  const b = file.newPath === null ? "/dev/null" : quotePath(`b/${file.newPath}`);
  let out = `diff --git ${quotePath(`a/${oldName}`)} ${quotePath(`b/${newName}`)}\n`;
  if (file.status === "added") out += `new file mode ${file.newMode ?? "100644"}\n`;
  else if (file.status === "deleted") out += `deleted file mode ${file.oldMode ?? "100644"}\n`;
  else {
    if (file.oldMode !== undefined) out += `old mode ${file.oldMode}\n`;
    if (file.newMode !== undefined) out += `new mode ${file.newMode}\n`;
  }
  if (file.similarity !== undefined) out += `similarity index ${file.similarity}%\n`;
  if (file.status === "renamed" || file.status === "copied") {
    const verb = file.status === "renamed" ? "rename" : "copy";
    out += `${verb} from ${quotePath(oldName)}\n${verb} to ${quotePath(newName)}\n`;
  }
  if (file.binary) out += `Binary files ${a} and ${b} differ\n`;
  else if (file.hunks.length > 0) out += `--- ${a}\n+++ ${b}\n`;
  return out;
}

/** Renders one hunk: its `@@` line and its lines, each ending in a newline. */
export function renderHunk(hunk: Hunk): string {
  let out = renderHunkHeader(hunk);
  for (const line of hunk.lines) {
    out += (line.kind === "add" ? "+" : line.kind === "del" ? "-" : " ") + line.text + "\n";
    if (line.noNewline) out += "\\ No newline at end of file\n";
  }
  return out;
}

/** The `@@ -a,b +c,d @@ header` line of a hunk as git printed it, ending in a newline. */
export function renderHunkHeader(hunk: Hunk): string {
  const header = hunk.header === "" ? "" : ` ${hunk.header}`;
  return `@@ -${range(hunk.oldStart, hunk.oldLines)} +${
    range(hunk.newStart, hunk.newLines)
  } @@${header}\n`;
}

/** git leaves out a count of 1, so we do too and the text matches what git printed. */
function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}
