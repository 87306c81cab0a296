/**
 * Where an inline comment sits in a GitLab merge request diff: the `position` of
 * `POST /projects/:id/merge_requests/:iid/discussions`.
 * @module
 */

import { createHash } from "node:crypto";
import { type DiffFile, type DiffLine, placementProblem, rangeStart } from "../../src/diff/mod.ts";

/** The three SHAs of the merge request's current diff version (its `diff_refs`). */
export interface GitlabDiffRefs {
  base_sha: string;
  start_sha: string;
  head_sha: string;
}

/** One end of a multi-line comment. */
export interface GitlabRangePoint {
  /** `<sha1 of the file path>_<old position>_<new position>`, as GitLab numbers diff lines. */
  line_code: string;
  /** `new` for an added line, `old` otherwise (GitLab's API documentation). */
  type: "new" | "old";
  old_line?: number;
  new_line?: number;
}

/** A text position, as GitLab's discussions API takes it. */
export interface GitlabPosition {
  position_type: "text";
  base_sha: string;
  start_sha: string;
  head_sha: string;
  old_path: string;
  new_path: string;
  /** Absent for a removed line; the only line number of an added one. */
  new_line?: number;
  /** Present for context lines (with `new_line`) and removed ones; absent for added lines. */
  old_line?: number;
  line_range?: { start: GitlabRangePoint; end: GitlabRangePoint };
}

/**
 * The position of a comment on new-side line `line` of `path` (from `startLine` to `line` for a
 * range), in the diff GitLab serves for `refs`.
 *
 * GitLab finds the commented line by both numbers: an added line has `new_line` only, a context
 * line both `old_line` and `new_line`; anything else is refused with a 400 `line_code` error.
 * Both paths are always sent (the same path twice for an added file). A range is anchored on its
 * last line, with `line_range` from the first, as GitLab's own UI sends it, so that a
 * `suggestion:-N+0` block counts upwards from the anchor. A line that is not in the diff is sent
 * with `new_line` alone and left for GitLab to refuse (in its own words); a range the placement
 * rule refuses (`placementProblem`: its first line outside the diff or in another hunk) is
 * posted on its last line alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDiff } from "../../src/diff/mod.ts";
 * import { gitlabPosition } from "./_position.ts";
 *
 * const files = parseDiff(
 *   "diff --git a/src/db.ts b/src/db.ts\n--- a/src/db.ts\n+++ b/src/db.ts\n" +
 *     "@@ -3,2 +3,3 @@\n a\n-b\n+c\n+d\n",
 * );
 * const refs = { base_sha: "8a9c1b2e", start_sha: "8a9c1b2e", head_sha: "d3022fc0" };
 * const position = gitlabPosition(files, refs, { path: "src/db.ts", line: 5, startLine: 4 });
 * assert.equal(position.new_line, 5);
 * assert.equal(position.old_line, undefined); // an added line has its new number only
 * // A line code is the SHA-1 of the path, then GitLab's old and new counters at the line.
 * const pathSha = "e1016f650032bb96c42c99d047a3cddd28ad658b";
 * assert.deepEqual(position.line_range, {
 *   start: { line_code: `${pathSha}_5_4`, type: "new", new_line: 4 },
 *   end: { line_code: `${pathSha}_5_5`, type: "new", new_line: 5 },
 * });
 * ```
 */
export function gitlabPosition(
  files: readonly DiffFile[],
  refs: GitlabDiffRefs,
  comment: { path: string; line: number; startLine?: number },
): GitlabPosition {
  const file = files.find((f) => f.newPath === comment.path);
  const position: GitlabPosition = {
    position_type: "text",
    base_sha: refs.base_sha,
    start_sha: refs.start_sha,
    head_sha: refs.head_sha,
    old_path: file?.oldPath ?? comment.path,
    new_path: comment.path,
    new_line: comment.line,
  };
  if (!file) return position;
  const lines = numberedLines(file);
  const end = lines.get(comment.line);
  if (!end) return position;
  if (end.line.oldLine !== null) position.old_line = end.line.oldLine;
  const first = rangeStart(comment);
  if (first !== undefined && placementProblem(files, comment) === null) {
    const start = lines.get(first);
    if (start) {
      const code = createHash("sha1").update(comment.path).digest("hex");
      position.line_range = { start: rangePoint(code, start), end: rangePoint(code, end) };
    }
  }
  return position;
}

interface Numbered {
  line: DiffLine;
  /** GitLab's counters at this line: for an added line, the old position is the next old line. */
  oldPos: number;
  newPos: number;
}

/** The file's new-side lines by number, with the positions GitLab's diff parser gives them. */
function numberedLines(file: DiffFile): Map<number, Numbered> {
  const out = new Map<number, Numbered>();
  for (const hunk of file.hunks) {
    let oldPos = hunk.oldStart;
    let newPos = hunk.newStart;
    for (const line of hunk.lines) {
      if (line.newLine !== null) out.set(line.newLine, { line, oldPos, newPos });
      if (line.kind !== "add") oldPos++;
      if (line.kind !== "del") newPos++;
    }
  }
  return out;
}

function rangePoint(pathSha: string, n: Numbered): GitlabRangePoint {
  const added = n.line.kind === "add";
  const point: GitlabRangePoint = {
    line_code: `${pathSha}_${n.oldPos}_${n.newPos}`,
    type: added ? "new" : "old",
  };
  if (!added && n.line.oldLine !== null) point.old_line = n.line.oldLine;
  if (n.line.newLine !== null) point.new_line = n.line.newLine;
  return point;
}
