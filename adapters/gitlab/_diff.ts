/**
 * A unified diff rebuilt from GitLab's per-file merge request diffs, whose `diff` fields hold
 * hunks only, without git's file headers.
 * @module
 */

import { quotePath } from "../../src/diff/mod.ts";

/** The fields of one `GET /projects/:id/merge_requests/:iid/diffs` entry the diff is built from. */
export interface GitlabDiffEntry {
  old_path: string;
  new_path: string;
  /** Octal modes; `"0"` on the side where the file does not exist. */
  a_mode?: string | null;
  b_mode?: string | null;
  new_file: boolean;
  renamed_file: boolean;
  deleted_file: boolean;
  /**
   * The file's hunks (with `unidiff=true`, after `---`/`+++` lines); empty for binary files, pure
   * renames, and files GitLab leaves out as too large or collapsed.
   */
  diff: string;
  too_large?: boolean | null;
  collapsed?: boolean | null;
}

/**
 * Builds git-style unified diff text: a `diff --git` header, `new file mode` /
 * `deleted file mode` and `/dev/null` for added and deleted files, `old mode` / `new mode` for a
 * mode change, `rename from` / `rename to` for renames, then `---` / `+++` and the hunks, so that
 * `parseDiff` sees the same files and lines GitLab shows. A changed file without hunks that is
 * neither a pure rename nor a mode change is written as `Binary files … differ`: GitLab sends no
 * lines for it (binary, or too large to show), so there is nothing to comment on, and the review
 * lists it as skipped rather than silently reviewing nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { diffFromGitlabDiffs } from "./_diff.ts";
 *
 * const diff = diffFromGitlabDiffs([{
 *   old_path: "a.ts",
 *   new_path: "a.ts",
 *   new_file: false,
 *   renamed_file: false,
 *   deleted_file: false,
 *   diff: "@@ -1 +1 @@\n-x\n+y\n",
 * }]);
 * assert.equal(diff, "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-x\n+y\n");
 * ```
 */
export function diffFromGitlabDiffs(entries: readonly GitlabDiffEntry[]): string {
  return entries.map(fileDiff).join("");
}

function fileDiff(e: GitlabDiffEntry): string {
  const oldName = e.old_path || e.new_path;
  const newName = e.new_path || e.old_path;
  const a = e.new_file ? "/dev/null" : quotePath(`a/${oldName}`);
  const b = e.deleted_file ? "/dev/null" : quotePath(`b/${newName}`);
  let out = `diff --git ${quotePath(`a/${oldName}`)} ${quotePath(`b/${newName}`)}\n`;
  const aMode = realMode(e.a_mode);
  const bMode = realMode(e.b_mode);
  if (e.new_file) out += `new file mode ${bMode ?? "100644"}\n`;
  else if (e.deleted_file) out += `deleted file mode ${aMode ?? "100644"}\n`;
  const modeChange = !e.new_file && !e.deleted_file && aMode && bMode && aMode !== bMode;
  if (modeChange) out += `old mode ${aMode}\nnew mode ${bMode}\n`;
  if (e.renamed_file) {
    out += `rename from ${quotePath(oldName)}\nrename to ${quotePath(newName)}\n`;
  }
  const hunks = withoutFileLines(e.diff ?? "");
  if (hunks) {
    out += `--- ${a}\n+++ ${b}\n${hunks}`;
    if (!hunks.endsWith("\n")) out += "\n";
  } else if (e.too_large || e.collapsed || (!e.renamed_file && !modeChange)) {
    out += `Binary files ${a} and ${b} differ\n`;
  }
  return out;
}

/** A mode GitLab reports for a side the file exists on; `"0"` means it does not. */
function realMode(mode: string | null | undefined): string | null {
  return mode && !/^0+$/.test(mode) ? mode : null;
}

/** The hunks of a `diff` field, without the `---`/`+++` lines `unidiff=true` puts first. */
function withoutFileLines(diff: string): string {
  if (!diff.startsWith("--- ")) return diff;
  const lines = diff.split("\n");
  if (!lines[1]?.startsWith("+++ ")) return diff;
  return lines.slice(2).join("\n");
}
