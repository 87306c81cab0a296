/**
 * Where a fake platform lets a comment sit: on the lines of a pull request's diff. Each fake
 * refuses (or records) a comment elsewhere in its own way; which lines those are is the same
 * everywhere, computed by Loom's own diff parser.
 * @module
 */

import { commentableLines, type DiffFile, type DiffLine, parseDiff } from "../../src/diff/mod.ts";

/** A side of a diff: the new file's lines or the old file's. */
export type Side = "new" | "old";

const parsed = new Map<string, DiffFile[]>();

/** The files of a unified diff, parsed once per distinct text (fakes read it on every call). */
export function diffFiles(diff: string): DiffFile[] {
  let files = parsed.get(diff);
  if (!files) {
    files = parseDiff(diff);
    parsed.set(diff, files);
  }
  return files;
}

/** The file of the diff a comment on `side` of `path` is on (by its old path on the old side). */
export function fileOn(diff: string, path: unknown, side: Side = "new"): DiffFile | undefined {
  return diffFiles(diff).find((f) => (side === "new" ? f.newPath : f.oldPath) === path);
}

/** The lines on `side` of `path` that can carry a comment; none when the diff leaves it alone. */
export function commentableLinesOf(diff: string, path: unknown, side: Side = "new"): Set<number> {
  const file = fileOn(diff, path, side);
  return file ? commentableLines(file, side) : new Set();
}

/** Whether lines `a` and `b` on `side` of `file` are in one hunk, as a multi-line comment must. */
export function inOneHunk(file: DiffFile, side: Side, a: number, b: number): boolean {
  const lineOn = (l: DiffLine) => side === "new" ? l.newLine : l.oldLine;
  const hunk = file.hunks.find((h) => h.lines.some((l) => lineOn(l) === a));
  return hunk?.lines.some((l) => lineOn(l) === b) ?? false;
}
