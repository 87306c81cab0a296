/**
 * The code around a file's hunks that a prompt may show besides the diff: the lines opening each
 * hunk's enclosing scopes, and the whole new file when it is small. Found once, when a review is
 * planned, from the file at the pull request's head; stored with the review's inputs.
 * @module
 */
import type { DiffFile, ScopeLine } from "../diff/mod.ts";
import { keywordScopes } from "./keyword_scopes.ts";
import { grammarFor } from "./languages.ts";
import { treeSitterScopes } from "./tree_sitter.ts";

/** `review.context`: what the model is shown around each hunk. */
export type ContextMode = "hunks" | "scope" | "file";

/** What a prompt may show around one file's hunks. */
export interface FileContext {
  /** The file's path in the diff (`DiffFile.path`). */
  path: string;
  /** Per hunk, in the order of `DiffFile.hunks`: the lines opening its scopes, outermost first. */
  scopes: ScopeLine[][];
  /**
   * The whole new file, a string per line, when the mode is `file` and the file is at most
   * `wholeFileChars` long; whether it fits the token cap is the packer's call.
   */
  whole?: string[];
  /** How the scopes were found: by tree-sitter's grammar of a language, or by keywords. */
  method: "tree-sitter" | "keywords";
}

/** Files bigger than this are not parsed: their scopes are found by keywords. */
export const MAX_PARSE_BYTES = 512 * 1024;
/** At most this many scope lines above a hunk: the innermost ones. */
export const MAX_SCOPE_LINES = 3;
/** A scope line longer than this (minified code) is cut, so it cannot crowd out the diff. */
export const MAX_SCOPE_LINE_CHARS = 200;

/**
 * The context of `file` from `source`, its text at the pull request's head. Scopes come from
 * tree-sitter when the language has a grammar and the file parses cleanly and is at most
 * {@link MAX_PARSE_BYTES}; from keywords otherwise. Null when `source` is not the file the diff
 * was made from (a line the diff shows differs), so nothing wrong is ever shown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDiff } from "../diff/mod.ts";
 * import { fileContext } from "./file_context.ts";
 *
 * const source = "export function load(rows) {\n  const a = 1;\n  const b = 2;\n" +
 *   "  return rows[0];\n}\n";
 * const [file] = parseDiff(
 *   "diff --git a/a.js b/a.js\n--- a/a.js\n+++ b/a.js\n" +
 *     "@@ -3,2 +3,2 @@\n   const b = 2;\n-  return rows;\n+  return rows[0];\n",
 * );
 * const context = await fileContext(file, source, { mode: "scope", wholeFileChars: 0 });
 * assert.deepEqual(context?.scopes, [[{ line: 1, text: "export function load(rows) {" }]]);
 * assert.equal(context?.method, "tree-sitter");
 * ```
 */
export async function fileContext(
  file: DiffFile,
  source: string,
  opts: { mode: ContextMode; wholeFileChars: number },
): Promise<FileContext | null> {
  const lines = source.split("\n").map((l) => l.endsWith("\r") ? l.slice(0, -1) : l);
  if (lines.at(-1) === "") lines.pop();
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      if (line.newLine !== null && lines[line.newLine - 1] !== line.text) return null;
    }
  }
  const targets = file.hunks.map((hunk) => {
    const top = hunk.lines.find((l) => l.newLine !== null)?.newLine ?? hunk.newStart + 1;
    const changed = hunk.lines.find((l) => l.kind === "add")?.newLine;
    return { line: Math.min(changed ?? top, Math.max(1, lines.length)), top };
  });
  const grammar = grammarFor(file.path);
  const parsed = grammar && source.length <= MAX_PARSE_BYTES
    ? await treeSitterScopes(grammar, source, targets)
    : null;
  const found = parsed ?? keywordScopes(source, targets);
  const context: FileContext = {
    path: file.path,
    scopes: found.map((rows) =>
      rows.slice(-MAX_SCOPE_LINES).map((line) => ({ line, text: cut(lines[line - 1] ?? "") }))
    ),
    method: parsed ? "tree-sitter" : "keywords",
  };
  if (opts.mode === "file" && source.length <= opts.wholeFileChars) context.whole = lines;
  return context;
}

function cut(text: string): string {
  return text.length <= MAX_SCOPE_LINE_CHARS ? text : `${text.slice(0, MAX_SCOPE_LINE_CHARS)}…`;
}
