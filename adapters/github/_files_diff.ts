/**
 * A unified diff rebuilt from GitHub's list of changed files, for pull requests whose `.diff`
 * GitHub refuses (406: over 300 files or 20,000 lines).
 * @module
 */

import { quotePath } from "../../src/diff/mod.ts";

/** The fields of one `GET /repos/{o}/{r}/pulls/{n}/files` entry that the diff is built from. */
export interface GithubPullFile {
  filename: string;
  /** `added`, `removed`, `modified`, `renamed`, `copied`, `changed` or `unchanged`. */
  status: string;
  previous_filename?: string;
  /** The file's hunks; absent for binary files and for files too large to show. */
  patch?: string;
  /** Added plus deleted lines; 0 for a pure rename or a mode change. */
  changes?: number;
}

/**
 * Builds git-style unified diff text from the files' `patch` hunks: a `diff --git` header,
 * `new file mode` / `deleted file mode` and `/dev/null` for added and removed files,
 * `rename from` / `rename to` for renames, and `Binary files … differ` for a changed file
 * without a patch, so that `parseDiff` sees the same files and lines as in GitHub's `.diff`
 * (less the `index` lines, which the reviewer never reads).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { diffFromFiles } from "./_files_diff.ts";
 *
 * const diff = diffFromFiles([
 *   { filename: "a.ts", status: "modified", patch: "@@ -1 +1 @@\n-x\n+y" },
 * ]);
 * assert.equal(diff, "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-x\n+y\n");
 * ```
 */
export function diffFromFiles(files: readonly GithubPullFile[]): string {
  return files.map(fileDiff).join("");
}

// Statuses where a missing patch with 0 changes means nothing changed inside the file.
const HEADER_ONLY = new Set(["renamed", "copied", "changed", "unchanged"]);

function fileDiff(file: GithubPullFile): string {
  const newName = file.filename;
  const oldName = file.previous_filename ?? file.filename;
  const a = file.status === "added" ? "/dev/null" : quotePath(`a/${oldName}`);
  const b = file.status === "removed" ? "/dev/null" : quotePath(`b/${newName}`);
  let out = `diff --git ${quotePath(`a/${oldName}`)} ${quotePath(`b/${newName}`)}\n`;
  // GitHub's list does not give modes; git's default one keeps added and removed files typed.
  if (file.status === "added") out += "new file mode 100644\n";
  if (file.status === "removed") out += "deleted file mode 100644\n";
  if (file.status === "renamed" || file.status === "copied") {
    const verb = file.status === "renamed" ? "rename" : "copy";
    out += `${verb} from ${quotePath(oldName)}\n${verb} to ${quotePath(newName)}\n`;
  }
  if (file.patch) {
    out += `--- ${a}\n+++ ${b}\n${file.patch}`;
    if (!file.patch.endsWith("\n")) out += "\n";
  } else if (!HEADER_ONLY.has(file.status) || file.changes !== 0) {
    // No patch means binary or too large for GitHub to show (it counts 0 changes for binary
    // files): either way there are no lines to review, which is what a binary file says.
    out += `Binary files ${a} and ${b} differ\n`;
  }
  return out;
}
