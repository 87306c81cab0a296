/**
 * Unified diff text for changes a platform describes only as a list of changed files (Azure
 * DevOps has no diff endpoint; Gitea none between two commits): each file's two versions are
 * compared here with jsdiff and written the way git writes them, so that `parseDiff` reads the
 * same files, statuses and lines as it would from `git diff`.
 * @module
 */

import { quotePath, tooLargeToDiffLine } from "../../src/diff/mod.ts";
import { hunksOffThread, type RawHunk } from "./_off_thread_diff.ts";

/**
 * The largest side of a file Loom diffs (1 MiB, documented in the README): a larger one is not
 * read past this and is listed in the summary as not reviewed, too large to diff.
 */
export const MAX_DIFF_FILE_BYTES = 1024 * 1024;

/** One changed file with its bytes on each side; null where the file does not exist. */
export interface FileVersions {
  /** Path before the change, repository-relative without a leading `/`; null for an added file. */
  oldPath: string | null;
  /** Path after the change; null for a deleted file. */
  newPath: string | null;
  oldContent: Uint8Array | null;
  newContent: Uint8Array | null;
  /** True when a side is over {@link MAX_DIFF_FILE_BYTES}: its contents were not read. */
  tooLarge?: boolean;
}

// git's own test: a NUL in the first 8000 bytes makes a file binary.
const BINARY_SNIFF_BYTES = 8000;
const FUNCTION_LINE_MAX = 80;

/**
 * The git-style diff of one file: `diff --git a/X b/X`, `new file mode` / `deleted file mode`
 * (git's default mode, since Azure does not report modes), `rename from` / `rename to`, then
 * `--- a/X` / `+++ b/X` and hunks with `context` lines around each change (`\ No newline at end
 * of file` where it applies), or `Binary files … differ` when either side holds a NUL byte, or
 * `Files … are too large to diff` for a file over {@link MAX_DIFF_FILE_BYTES}. An unchanged
 * file that was not renamed gives the empty string, as in git. The lines are compared off the
 * main thread (see `hunksOffThread`); past its time limit the file is shown replaced whole.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileDiff } from "./file_diff.ts";
 *
 * const enc = (s: string) => new TextEncoder().encode(s);
 * const [x, y] = [enc("x\n"), enc("y\n")];
 * const file = { oldPath: "a.ts", newPath: "a.ts", oldContent: x, newContent: y };
 * const diff = "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-x\n+y\n";
 * assert.equal(await fileDiff(file), diff);
 * // Unchanged and not renamed: nothing, as in git.
 * assert.equal(await fileDiff({ ...file, newContent: x }), "");
 * ```
 */
export async function fileDiff(file: FileVersions, context = 3): Promise<string> {
  const oldName = file.oldPath ?? file.newPath;
  const newName = file.newPath ?? file.oldPath;
  if (oldName === null || newName === null) return "";
  const renamed = file.oldPath !== null && file.newPath !== null && file.oldPath !== file.newPath;
  const oldBytes = file.oldPath === null ? new Uint8Array() : file.oldContent ?? new Uint8Array();
  const newBytes = file.newPath === null ? new Uint8Array() : file.newContent ?? new Uint8Array();
  const same = !file.tooLarge && sameBytes(oldBytes, newBytes);
  if (same && !renamed && file.oldPath !== null && file.newPath !== null) return "";

  let out = `diff --git ${quotePath(`a/${oldName}`)} ${quotePath(`b/${newName}`)}\n`;
  if (file.oldPath === null) out += "new file mode 100644\n";
  if (file.newPath === null) out += "deleted file mode 100644\n";
  if (renamed) {
    if (same) out += "similarity index 100%\n";
    out += `rename from ${quotePath(oldName)}\nrename to ${quotePath(newName)}\n`;
  }
  if (same) return out;
  const a = file.oldPath === null ? "/dev/null" : quotePath(`a/${oldName}`);
  const b = file.newPath === null ? "/dev/null" : quotePath(`b/${newName}`);
  if (file.tooLarge) return out + `${tooLargeToDiffLine(a, b)}\n`;
  if (isBinary(oldBytes) || isBinary(newBytes)) return out + `Binary files ${a} and ${b} differ\n`;

  const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  const oldText = decoder.decode(oldBytes);
  const newText = decoder.decode(newBytes);
  const hunks = await hunksOffThread(oldText, newText, context) ??
    [wholeFileHunk(oldText, newText)];
  if (hunks.length === 0) return out;
  out += `--- ${a}\n+++ ${b}\n`;
  const oldLines = oldText.split("\n");
  for (const h of hunks) {
    const context = functionLine(oldLines, h.oldStart);
    out += `@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@` +
      `${context ? ` ${context}` : ""}\n`;
    for (const line of h.lines) out += `${line}\n`;
  }
  return out;
}

/** True when `bytes` holds a NUL byte in its first 8000 bytes, git's test for a binary file. */
export function isBinary(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (bytes[i] === 0) return true;
  return false;
}

/**
 * git's default hunk context: the nearest line above the hunk, in the old file, that starts
 * with a letter, `_` or `$` (a declaration, most of the time), cut to 80 characters.
 */
function functionLine(oldLines: string[], oldStart: number): string {
  for (let i = oldStart - 2; i >= 0; i--) {
    const line = oldLines[i];
    if (/^[A-Za-z_$]/.test(line)) return line.slice(0, FUNCTION_LINE_MAX).trimEnd();
  }
  return "";
}

/** git writes an empty side's start as the line before it, and leaves out a count of 1. */
function range(start: number, count: number): string {
  if (count === 0) return `${Math.max(0, start - 1)},0`;
  return count === 1 ? String(start) : `${start},${count}`;
}

/** The whole file removed and added again: a correct, if blunt, diff when jsdiff gives up. */
function wholeFileHunk(oldText: string, newText: string): RawHunk {
  const side = (text: string, sign: string) => {
    if (text === "") return [];
    const lines = text.split("\n");
    const ended = lines.at(-1) === "";
    if (ended) lines.pop();
    const out = lines.map((l) => sign + l);
    if (!ended) out.push("\\ No newline at end of file");
    return out;
  };
  const removed = side(oldText, "-");
  const added = side(newText, "+");
  const count = (lines: string[]) => lines.filter((l) => !l.startsWith("\\")).length;
  return {
    oldStart: 1,
    oldLines: count(removed),
    newStart: 1,
    newLines: count(added),
    lines: [...removed, ...added],
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
