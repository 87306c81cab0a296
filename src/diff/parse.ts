/**
 * Parser for git unified diffs: `git diff` output and GitHub / Gitea `.diff` downloads.
 *
 * Written here rather than taken from npm: `parse-diff` 0.12, `gitdiff-parser` 0.3 and `diff`
 * (jsdiff) 8 each failed on diffs git produced for this project's cases: none decodes quoted
 * paths (`"a/caf\303\251.txt"`), none flags binary files, they report copies or edited renames as
 * plain modifications, keep the tab git appends to paths with spaces, or drop files that have no
 * hunks (renames, mode changes).
 * @module
 */

import type { DiffFile, Hunk } from "./diff_file.ts";
import { readQuoted, unquotePath } from "./quote.ts";
import { isTooLargeToDiffLine } from "./too_large.ts";

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;

/** A file being read, with every source of its names kept until the file ends. */
interface Draft {
  file: DiffFile;
  /** Names from `diff --git`; ambiguous when unquoted paths contain spaces, so the last resort. */
  gitOld: string | null;
  gitNew: string | null;
  /** Names from `---` / `+++`; `undefined` when the lines are absent, null for `/dev/null`. */
  minus?: string | null;
  plus?: string | null;
  /** Names from `rename from/to` or `copy from/to`: exact, so they win. */
  from?: string;
  to?: string;
  kind?: "added" | "deleted" | "renamed" | "copied";
}

/**
 * Parses a unified diff into files and hunks.
 *
 * Lines before the first file (a `git format-patch` mail header, say) are skipped, as are
 * combined (merge) diffs, which have no single old side to comment against. A diff without
 * `diff --git` lines (`diff -u` style) is read from its `---` / `+++` pairs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDiff } from "./parse.ts";
 *
 * const [file] = parseDiff(
 *   "diff --git a/src/app.ts b/src/app.ts\n--- a/src/app.ts\n+++ b/src/app.ts\n" +
 *     "@@ -11,2 +11,2 @@ function main() {\n   run();\n-  exit(1);\n+  exit(0);\n",
 * );
 * assert.equal(file.path, "src/app.ts");
 * assert.equal(file.status, "modified");
 * assert.equal(file.hunks[0].header, "function main() {");
 * assert.deepEqual(file.hunks[0].lines, [
 *   { kind: "context", text: "  run();", oldLine: 11, newLine: 11 },
 *   { kind: "del", text: "  exit(1);", oldLine: 12, newLine: null },
 *   { kind: "add", text: "  exit(0);", oldLine: null, newLine: 12 },
 * ]);
 * ```
 */
export function parseDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let draft: Draft | null = null;
  let state: "none" | "header" | "hunks" = "none";
  // Walk the text by offsets rather than split it: a large diff is mostly hunk lines, and
  // slicing each only once keeps parsing cheap in time and garbage.
  let pos = 0;
  while (pos < text.length) {
    const nl = newlineAt(text, pos);
    const end = contentEnd(text, pos, nl);
    const next = nl + 1;
    if (text.startsWith("diff --git ", pos)) {
      if (draft) files.push(finish(draft));
      draft = startGitFile(text.slice(pos + "diff --git ".length, end));
      state = "header";
    } else if (text.startsWith("diff --cc ", pos) || text.startsWith("diff --combined ", pos)) {
      if (draft) files.push(finish(draft));
      draft = null;
      state = "none";
    } else {
      if (
        state !== "header" && text.startsWith("--- ", pos) && text.startsWith("+++ ", next)
      ) {
        if (draft) files.push(finish(draft));
        draft = newDraft(null, null);
        state = "header";
      }
      if (draft !== null && state !== "none") {
        if (text.startsWith("@@ ", pos)) {
          pos = readHunk(text, pos, end, next, draft.file);
          state = "hunks";
          continue;
        }
        if (state === "header") {
          const line = text.slice(pos, end);
          if (line === "GIT binary patch") {
            // The base85 payload that follows is of no use to a reviewer: skip to the next file.
            draft.file.binary = true;
            state = "none";
          } else {
            readHeaderLine(draft, line);
          }
        }
      }
    }
    pos = next;
  }
  if (draft) files.push(finish(draft));
  return files;
}

/** Offset of the `\n` ending the line at `pos`, or the text's length for an unterminated one. */
function newlineAt(text: string, pos: number): number {
  const nl = text.indexOf("\n", pos);
  return nl < 0 ? text.length : nl;
}

/** End of the line's content: before its `\n`, and before a `\r` that precedes it. */
function contentEnd(text: string, pos: number, nl: number): number {
  return nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
}

function newDraft(gitOld: string | null, gitNew: string | null): Draft {
  return {
    gitOld,
    gitNew,
    file: {
      oldPath: null,
      newPath: null,
      path: "",
      status: "modified",
      binary: false,
      hunks: [],
      additions: 0,
      deletions: 0,
    },
  };
}

function startGitFile(rest: string): Draft {
  const [a, b] = splitGitHeader(rest);
  return newDraft(a === null ? null : dropPrefix(a, "a/"), b === null ? null : dropPrefix(b, "b/"));
}

/** Splits the `a/… b/…` part of `diff --git`, which git only quotes when a path needs it. */
function splitGitHeader(rest: string): [string | null, string | null] {
  if (rest.startsWith('"')) {
    const a = readQuoted(rest, 0);
    if (!a) return [null, null];
    const tail = rest.slice(a.end + 1);
    return [a.value, tail.startsWith('"') ? readQuoted(tail, 0)?.value ?? null : tail];
  }
  // An unquoted path never holds `"`, so a quote starts the second, quoted, path.
  const quote = rest.indexOf(' "');
  if (quote >= 0) return [rest.slice(0, quote), readQuoted(rest, quote + 1)?.value ?? null];
  // Both unquoted: when the names are equal (every case but a rename or copy, which carry exact
  // names in `rename from/to`), the split point is the middle, whatever spaces the path holds.
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest[half] === " ") {
    const a = rest.slice(0, half);
    const b = rest.slice(half + 1);
    if (a === b || (a[1] === "/" && b[1] === "/" && a.slice(2) === b.slice(2))) return [a, b];
  }
  const sep = rest.indexOf(" b/");
  if (sep >= 0 && rest.indexOf(" b/", sep + 1) < 0) {
    return [rest.slice(0, sep), rest.slice(sep + 1)];
  }
  return [null, null];
}

function dropPrefix(path: string, prefix: string): string {
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/** Reads the path of a `---` / `+++` line; null for `/dev/null`. */
function markerPath(raw: string, prefix: string): string | null {
  let path: string;
  if (raw.startsWith('"')) path = unquotePath(raw);
  else {
    // git appends a tab to names with spaces, and `diff -u` a tab and a timestamp.
    const tab = raw.indexOf("\t");
    path = tab >= 0 ? raw.slice(0, tab) : raw;
  }
  return path === "/dev/null" ? null : dropPrefix(path, prefix);
}

function readHeaderLine(draft: Draft, line: string): void {
  const file = draft.file;
  const after = (prefix: string) => line.slice(prefix.length);
  if (line.startsWith("--- ")) draft.minus = markerPath(after("--- "), "a/");
  else if (line.startsWith("+++ ")) draft.plus = markerPath(after("+++ "), "b/");
  else if (line.startsWith("old mode ")) file.oldMode = after("old mode ");
  else if (line.startsWith("new mode ")) file.newMode = after("new mode ");
  else if (line.startsWith("new file mode ")) {
    file.newMode = after("new file mode ");
    draft.kind = "added";
  } else if (line.startsWith("deleted file mode ")) {
    file.oldMode = after("deleted file mode ");
    draft.kind = "deleted";
  } else if (line.startsWith("similarity index ")) {
    file.similarity = parseInt(after("similarity index "), 10);
  } else if (line.startsWith("rename from ")) {
    draft.from = unquotePath(after("rename from "));
    draft.kind = "renamed";
  } else if (line.startsWith("rename to ")) draft.to = unquotePath(after("rename to "));
  else if (line.startsWith("copy from ")) {
    draft.from = unquotePath(after("copy from "));
    draft.kind = "copied";
  } else if (line.startsWith("copy to ")) draft.to = unquotePath(after("copy to "));
  else if (line.startsWith("Binary files ")) file.binary = true;
  else if (isTooLargeToDiffLine(line)) file.tooLargeToDiff = true;
}

/**
 * Reads the hunk whose `@@` line spans `pos`..`end` and returns the offset of the first line
 * after it. Lines are taken by the header's counts, not by their look, so a deleted line reading
 * `-- x` or an added `++ y` is never mistaken for a file header.
 */
function readHunk(diff: string, pos: number, end: number, next: number, file: DiffFile): number {
  const m = HUNK_HEADER.exec(diff.slice(pos, end));
  if (!m) return next;
  const hunk: Hunk = {
    oldStart: Number(m[1]),
    oldLines: m[2] === undefined ? 1 : Number(m[2]),
    newStart: Number(m[3]),
    newLines: m[4] === undefined ? 1 : Number(m[4]),
    header: m[5],
    lines: [],
  };
  file.hunks.push(hunk);
  let oldLeft = hunk.oldLines;
  let newLeft = hunk.newLines;
  let oldLine = hunk.oldStart;
  let newLine = hunk.newStart;
  pos = next;
  while (pos < diff.length) {
    const nl = newlineAt(diff, pos);
    const end = contentEnd(diff, pos, nl);
    const first = diff.charCodeAt(pos);
    if (first === 92) {
      // `\ No newline at end of file` belongs to the line before it, on whichever side.
      const last = hunk.lines[hunk.lines.length - 1];
      if (last) last.noNewline = true;
    } else if (oldLeft <= 0 && newLeft <= 0) {
      break;
    } else if (first === 32 || end === pos) {
      // An empty line is a context line whose trailing space a mailer or editor stripped.
      const text = end === pos ? "" : diff.slice(pos + 1, end);
      hunk.lines.push({ kind: "context", text, oldLine: oldLine++, newLine: newLine++ });
      oldLeft--;
      newLeft--;
    } else if (first === 45) {
      hunk.lines.push({
        kind: "del",
        text: diff.slice(pos + 1, end),
        oldLine: oldLine++,
        newLine: null,
      });
      oldLeft--;
      file.deletions++;
    } else if (first === 43) {
      hunk.lines.push({
        kind: "add",
        text: diff.slice(pos + 1, end),
        oldLine: null,
        newLine: newLine++,
      });
      newLeft--;
      file.additions++;
    } else {
      break;
    }
    pos = nl + 1;
  }
  return pos;
}

function finish(draft: Draft): DiffFile {
  const file = draft.file;
  let oldPath = draft.from ?? (draft.minus !== undefined ? draft.minus : draft.gitOld);
  let newPath = draft.to ?? (draft.plus !== undefined ? draft.plus : draft.gitNew);
  if (draft.kind === "added") oldPath = null;
  if (draft.kind === "deleted") newPath = null;
  file.oldPath = oldPath;
  file.newPath = newPath;
  file.path = newPath ?? oldPath ?? "";
  file.status = draft.kind ??
    (oldPath === null ? "added" : newPath === null ? "deleted" : "modified");
  return file;
}
