/**
 * Reading the files of a review at its head and finding their context, within bounds: only the
 * files the review sends, at most {@link MAX_CONTEXT_FILES} of them, each at most
 * {@link MAX_CONTEXT_FILE_BYTES}. Whatever cannot be read is reviewed without context: context
 * never fails a review.
 * @module
 */
import type { DiffFile } from "../diff/mod.ts";
import { type ContextMode, type FileContext, fileContext } from "./file_context.ts";

/** Most files of one review whose content is read for context. */
export const MAX_CONTEXT_FILES = 100;
/** A file larger than this (in UTF-16 code units, about bytes for code) gets no context. */
export const MAX_CONTEXT_FILE_BYTES = 1024 * 1024;
/** Files read at once. */
const CONCURRENCY = 4;
/**
 * Characters of a file `context: file` may store whole, per token of `context_file_tokens`: a
 * generous bound (code runs 3 to 4 characters a token), the exact check is the packer's.
 */
const CHARS_PER_TOKEN = 8;

/** What {@link buildContexts} needs. */
export interface BuildContextsInput {
  /** The files the review sends to a model; deleted and binary files are passed over. */
  files: readonly DiffFile[];
  mode: ContextMode;
  /** `review.context_file_tokens`. */
  fileTokens: number;
  /** The file's text at the reviewed head; null when it is not there. */
  read(path: string): Promise<string | null>;
  signal?: AbortSignal;
  /** Told about a file that could not be read, which is then reviewed without context. */
  onError?(path: string, error: unknown): void;
}

/**
 * The context of each of `files` that could be read, in the order of `files`; none for `hunks`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDiff } from "../diff/mod.ts";
 * import { buildContexts } from "./build_contexts.ts";
 *
 * const files = parseDiff(
 *   "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -2 +2 @@\n-    pass\n+    return 1\n",
 * );
 * const contexts = await buildContexts({
 *   files,
 *   mode: "scope",
 *   fileTokens: 2000,
 *   read: () => Promise.resolve("def f():\n    return 1\n"),
 * });
 * assert.deepEqual(contexts[0].scopes, [[{ line: 1, text: "def f():" }]]);
 * ```
 */
export async function buildContexts(input: BuildContextsInput): Promise<FileContext[]> {
  if (input.mode === "hunks") return [];
  const wanted = input.files
    .filter((f) => f.newPath !== null && !f.binary && f.hunks.length > 0)
    .slice(0, MAX_CONTEXT_FILES);
  const found: (FileContext | null)[] = new Array(wanted.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < wanted.length) {
      input.signal?.throwIfAborted();
      const i = next++;
      const file = wanted[i];
      try {
        const source = await input.read(file.newPath!);
        if (source === null || source.length > MAX_CONTEXT_FILE_BYTES) continue;
        found[i] = await fileContext(file, source, {
          mode: input.mode,
          wholeFileChars: input.fileTokens * CHARS_PER_TOKEN,
        });
      } catch (error) {
        input.signal?.throwIfAborted();
        input.onError?.(file.path, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, wanted.length) }, worker));
  return found.filter((c) => c !== null);
}
