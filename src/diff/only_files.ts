/**
 * Cutting a diff down to some files: an incremental review sends the model only a push's changes
 * to files the pull request changes (a push that merges the base branch in brings others).
 * @module
 */
import type { DiffFile } from "./diff_file.ts";
import { parseDiff } from "./parse.ts";
import { renderFileDiff } from "./render.ts";
import { tooLargeToDiffLine } from "./too_large.ts";

/**
 * The files of `diff` whose old or new path is one of `paths`, as diff text (rendered back as
 * `renderFileDiff` does, so it parses to the same files).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { onlyFiles } from "./only_files.ts";
 *
 * const diff = "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-x\n+y\n" +
 *   "diff --git a/b.ts b/b.ts\n--- a/b.ts\n+++ b/b.ts\n@@ -1 +1 @@\n-p\n+q\n";
 * assert.equal(
 *   onlyFiles(diff, new Set(["b.ts"])),
 *   "diff --git a/b.ts b/b.ts\n--- a/b.ts\n+++ b/b.ts\n@@ -1 +1 @@\n-p\n+q\n",
 * );
 * ```
 */
export function onlyFiles(diff: string, paths: ReadonlySet<string>): string {
  return parseDiff(diff)
    .filter((f) => paths.has(f.path) || (f.oldPath !== null && paths.has(f.oldPath)))
    .map(render)
    .join("");
}

function render(file: DiffFile): string {
  if (!file.tooLargeToDiff) return renderFileDiff(file);
  const a = file.oldPath === null ? "/dev/null" : `a/${file.oldPath}`;
  const b = file.newPath === null ? "/dev/null" : `b/${file.newPath}`;
  return renderFileDiff(file) + tooLargeToDiffLine(a, b) + "\n";
}
