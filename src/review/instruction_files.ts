/**
 * Reading the team's instruction files (`review.instructions_files`: `AGENTS.md`, `CLAUDE.md`…)
 * for a review, within a size cap per file and a token budget for them all, so that a large
 * file costs a bounded share of every prompt.
 * @module
 */

import { countTokens } from "./tokens.ts";
import { type InstructionFile, renderInstructionFile } from "./team_rules.ts";

/**
 * Most bytes of one instruction file kept (UTF-8); the rest is cut. 32 KiB is about 8,000
 * tokens, half of the largest `review.instructions_max_tokens`.
 */
export const MAX_INSTRUCTIONS_FILE_BYTES = 32 * 1024;

/** What {@link readInstructionFiles} found. */
export interface InstructionsRead {
  /** The files to send, in the configured order, the last one possibly cut. */
  files: InstructionFile[];
  /** Files that exist but did not fit the budget at all. */
  leftOut: string[];
  /** Files that could not be read for another reason than not existing; the review goes on. */
  failed: { path: string; error: string }[];
}

/** What a cut file needs at least, beyond its heading, to be worth sending. */
const MIN_CUT_TOKENS = 32;

/**
 * Reads `paths` in order with `read` (null: no such file, skipped silently) and keeps what fits
 * `maxTokens`, counted on the text as the prompt shows it ({@link renderInstructionFile}): the
 * first files win, the one that crosses the budget is cut to fit (and says so), later ones are
 * left out. A file over {@link MAX_INSTRUCTIONS_FILE_BYTES} is cut there first. An empty file is
 * skipped; a read that throws is reported in `failed`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readInstructionFiles } from "./instruction_files.ts";
 *
 * const repo: Record<string, string> = {
 *   "AGENTS.md": "Use the logger, never console.log.\n",
 *   "REVIEW.md": "Every rule here is long. ".repeat(400),
 * };
 * const read = (path: string) => Promise.resolve(repo[path] ?? null);
 * const got = await readInstructionFiles(
 *   [".loom/instructions.md", "AGENTS.md", "REVIEW.md"],
 *   read,
 *   500,
 * );
 * assert.deepEqual(got.files.map((f) => [f.path, f.cut ?? false]), [
 *   ["AGENTS.md", false],
 *   ["REVIEW.md", true],
 * ]);
 * ```
 */
export async function readInstructionFiles(
  paths: readonly string[],
  read: (path: string) => Promise<string | null>,
  maxTokens: number,
): Promise<InstructionsRead> {
  const result: InstructionsRead = { files: [], leftOut: [], failed: [] };
  if (maxTokens <= 0) return result;
  let left = maxTokens;
  for (const path of new Set(paths)) {
    let text: string | null;
    try {
      text = await read(path);
    } catch (error) {
      result.failed.push({ path, error: error instanceof Error ? error.message : String(error) });
      continue;
    }
    if (text === null || text.trim() === "") continue;
    const capped = capBytes(text, MAX_INSTRUCTIONS_FILE_BYTES);
    const file: InstructionFile = { path, text: capped, ...(capped !== text ? { cut: true } : {}) };
    const tokens = countTokens(renderInstructionFile(file));
    if (tokens <= left) {
      result.files.push(file);
      left -= tokens;
      continue;
    }
    const cut = cutToTokens(file, left);
    if (cut) {
      result.files.push(cut);
      left = 0;
    } else result.leftOut.push(path);
  }
  return result;
}

/** The longest start of `text` within `maxBytes` of UTF-8, ending at a line when one fits. */
function capBytes(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  // A cut inside a character decodes its partial bytes to one U+FFFD, which is dropped.
  const head = new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, "");
  return atLineEnd(head);
}

function atLineEnd(text: string): string {
  const newline = text.lastIndexOf("\n");
  return newline > text.length / 2 ? text.slice(0, newline + 1) : text;
}

/**
 * `file` cut to the longest start whose rendering fits `tokens`, or null when not even
 * {@link MIN_CUT_TOKENS} of its text would: a binary search over its length, since the count
 * grows with the text.
 */
function cutToTokens(file: InstructionFile, tokens: number): InstructionFile | null {
  const fits = (n: number) =>
    countTokens(renderInstructionFile({ ...file, text: file.text.slice(0, n), cut: true })) <=
      tokens;
  const empty = countTokens(renderInstructionFile({ ...file, text: "", cut: true }));
  if (tokens - empty < MIN_CUT_TOKENS || !fits(0)) return null;
  let low = 0;
  let high = file.text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  // A cut between the halves of a surrogate pair drops the lone half.
  const text = atLineEnd(file.text.slice(0, low).replace(/[\uD800-\uDBFF]$/, ""));
  return { path: file.path, text, cut: true };
}
