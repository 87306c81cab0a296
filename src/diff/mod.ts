/**
 * Unified diffs: parse git's output into files and hunks, find the lines a comment can sit on
 * and say why a comment may not sit where asked (the one placement rule every adapter applies),
 * quote paths as git does, render files (or parts of them) back to diff text, and render them with
 * each line's new-side number for prompts.
 * @module
 */

export type { DiffFile, DiffLine, Hunk } from "./diff_file.ts";
export { parseDiff } from "./parse.ts";
export { commentableLines } from "./commentable.ts";
export type { CommentLines } from "./placement.ts";
export { placementProblem, rangeStart } from "./placement.ts";
export { quotePath } from "./quote.ts";
export { renderFileDiff, renderFileHeader, renderHunk } from "./render.ts";
export { renderNumberedFile, renderNumberedHunk, type ScopeLine } from "./numbered.ts";
export { isTooLargeToDiffLine, tooLargeToDiffLine } from "./too_large.ts";
export { type LineRange, type RangeShift, shiftRange } from "./shift_range.ts";
export { onlyFiles } from "./only_files.ts";
export { wholeFileHunk } from "./whole_file.ts";
