/**
 * Fitting a diff's files into as few model requests as the token budget allows.
 * @module
 */

import type { ContextMode, FileContext } from "../context/mod.ts";
import {
  type DiffFile,
  type Hunk,
  renderFileHeader,
  renderNumberedHunk,
  wholeFileHunk,
} from "../diff/mod.ts";
import { countTokens } from "./tokens.ts";

/** The diff text of one model request. */
export interface Chunk {
  /**
   * The files, or parts of files, in diff order. `text` is `renderNumberedFile(file, hunks)`, as
   * the model is shown it; join the texts with nothing between them (each ends in a newline) to
   * get what `tokens` counts.
   */
  files: { file: DiffFile; hunks: Hunk[]; text: string }[];
  /** Estimated tokens of the joined texts ({@link countTokens}); never above the budget. */
  tokens: number;
}

/** Why a file (or part of one) is in no chunk. */
export interface NotReviewed {
  path: string;
  /**
   * `max_llm_calls`: the diff needed more requests than allowed. `too_large`: one hunk alone is
   * over the budget, so it cannot be sent at all.
   */
  reason: "max_llm_calls" | "too_large";
}

/** Chunks to send, and what had to be left out. */
export interface PackResult {
  chunks: Chunk[];
  /** One entry per path and reason, in diff order; a file may be partly reviewed. */
  notReviewed: NotReviewed[];
}

/** Limits for {@link packFiles}. */
export interface PackOptions {
  /** Tokens left for diff text in one request: context window − prompt − max output tokens. */
  budgetTokens: number;
  /** Most requests (chunks) to make for this diff. */
  maxChunks: number;
  /**
   * The code shown around the hunks (`review.context`), by path: each hunk's enclosing scope
   * lines, or the whole file. Without it (or with mode `hunks`) only the diff is shown.
   */
  context?: { mode: ContextMode; files: ReadonlyMap<string, FileContext>; fileTokens: number };
}

/** A whole file, or a run of hunks of a file too big to send whole: the unit being packed. */
interface Piece {
  /** Position in the diff: file index, then part index, to restore diff order. */
  order: number;
  part: number;
  file: DiffFile;
  hunks: Hunk[];
  text: string;
  tokens: number;
}

/**
 * Packs files into chunks of at most `budgetTokens` tokens, using at most `maxChunks` chunks.
 *
 * Files are packed whole by first-fit decreasing (largest first, each into the first chunk with
 * room), which needs few chunks (fewer requests is the goal); each chunk then lists its files in
 * diff order, and chunks go in the order of their first file, so related files tend to stay close
 * and the text reads like the original diff. A file over the budget on its own is split between
 * hunks into consecutive parts, each with the file's header so the model knows the file; a hunk
 * over the budget even alone is reported `too_large`. When more than `maxChunks` chunks are
 * needed, the ones carrying the most tokens (the most diff) are kept and the files of the others
 * are reported `max_llm_calls`.
 *
 * Hunks are rendered with their new-side line numbers (`renderNumberedHunk`), and what is counted
 * is exactly that text, the one sent. Counting is linear: each header and hunk is rendered and
 * counted once, and a chunk's tokens are the sum of its parts, which is never less than counting
 * the joined text (see {@link countTokens}), so no request can exceed the budget.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDiff } from "../diff/mod.ts";
 * import { packFiles } from "./pack.ts";
 *
 * const fileDiff = (path: string, lines: number) =>
 *   `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n@@ -0,0 +1,${lines} @@\n` +
 *   "+const value = compute(input);\n".repeat(lines);
 * const files = parseDiff(fileDiff("a.ts", 40) + fileDiff("b.ts", 40) + fileDiff("c.ts", 40));
 *
 * const { chunks, notReviewed } = packFiles(files, { budgetTokens: 800, maxChunks: 1 });
 * assert.equal(chunks.length, 1);
 * assert.ok(chunks[0].tokens <= 800);
 * const sent = chunks[0].files.map((f) => f.file.path);
 * assert.equal(sent.length + notReviewed.length, 3);
 * assert.ok(notReviewed.every((n) => n.reason === "max_llm_calls"));
 * ```
 */
export function packFiles(files: DiffFile[], opts: PackOptions): PackResult {
  const context = opts.context;
  if (!context || context.mode === "hunks" || context.files.size === 0) {
    return packAt(files, opts, "hunks").result;
  }
  // Context is sent only where it costs no diff: the richest level that leaves out no more
  // hunks than the diff alone, else the diff alone. Packing is linear, so trying is cheap.
  let plain: ReturnType<typeof packAt> | undefined;
  for (const level of context.mode === "file" ? ["file", "scope"] as const : ["scope"] as const) {
    const withContext = packAt(files, opts, level);
    if (withContext.unsentHunks === 0) return withContext.result;
    plain ??= packAt(files, opts, "hunks");
    if (withContext.unsentHunks <= plain.unsentHunks) return withContext.result;
  }
  return (plain ?? packAt(files, opts, "hunks")).result;
}

type Level = ContextMode;

/** The hunks of `file` rendered at `level`, each with its tokens; see {@link packFiles}. */
function renderHunks(file: DiffFile, opts: PackOptions, level: Level, budget: number) {
  const header = renderFileHeader(file);
  const headerTokens = countTokens(header);
  const context = level === "hunks" ? undefined : opts.context?.files.get(file.path);
  const plain = (hunk: Hunk, i: number) => {
    const scopes = context?.scopes[i];
    if (scopes && scopes.length > 0) {
      const text = renderNumberedHunk(hunk, scopes);
      const tokens = countTokens(text);
      // A scope that would push its hunk over the budget alone is left out, not the hunk.
      if (headerTokens + tokens <= budget) return { hunks: [hunk], text, tokens, whole: false };
    }
    const text = renderNumberedHunk(hunk);
    return { hunks: [hunk], text, tokens: countTokens(text), whole: false };
  };
  if (level === "file" && context?.whole) {
    const whole = wholeFileHunk(file, context.whole);
    if (whole) {
      const text = renderNumberedHunk(whole);
      const tokens = countTokens(text);
      if (tokens <= (opts.context?.fileTokens ?? 0)) {
        return {
          header,
          headerTokens,
          rendered: [{ hunks: file.hunks, text, tokens, whole: true }],
        };
      }
    }
  }
  return { header, headerTokens, rendered: file.hunks.map(plain) };
}

function packAt(
  files: DiffFile[],
  opts: PackOptions,
  level: Level,
): { result: PackResult; unsentHunks: number } {
  const budget = opts.budgetTokens;
  const pieces: Piece[] = [];
  const tooLarge = new Set<number>();
  let unsentHunks = 0;

  files.forEach((file, order) => {
    const { header, headerTokens, rendered } = renderHunks(file, opts, level, budget);
    const total = rendered.reduce((n, r) => n + r.tokens, headerTokens);
    if (total <= budget) {
      pieces.push({
        order,
        part: 0,
        file,
        hunks: file.hunks,
        text: header + rendered.map((r) => r.text).join(""),
        tokens: total,
      });
      return;
    }
    if (rendered.length === 0) {
      tooLarge.add(order);
      return;
    }
    if (rendered[0]?.whole) {
      // The whole file did not fit after all: its hunks one by one, as at scope level.
      const again = renderHunks(file, opts, "scope", budget).rendered;
      rendered.splice(0, 1, ...again);
    }
    // Split between hunks, in order, so each part reads as a contiguous stretch of the file.
    let part: Piece | null = null;
    let parts = 0;
    for (const r of rendered) {
      if (headerTokens + r.tokens > budget) {
        tooLarge.add(order);
        unsentHunks += r.hunks.length;
        part = null;
        continue;
      }
      if (part === null || part.tokens + r.tokens > budget) {
        part = { order, part: parts++, file, hunks: [], text: header, tokens: headerTokens };
        pieces.push(part);
      }
      part.hunks.push(...r.hunks);
      part.text += r.text;
      part.tokens += r.tokens;
    }
  });

  const bins = firstFitDecreasing(pieces, budget);
  const kept = bins.length <= opts.maxChunks ? bins : bins
    .map((bin, i) => ({ bin, i, tokens: bin.reduce((n, p) => n + p.tokens, 0) }))
    .sort((a, b) => b.tokens - a.tokens || a.i - b.i)
    .slice(0, Math.max(0, opts.maxChunks))
    .map((b) => b.bin);

  const sent = new Set(kept.flat());
  const unsent = pieces.filter((p) => !sent.has(p));
  for (const p of unsent) unsentHunks += p.hunks.length;
  const dropped = new Set(unsent.map((p) => p.order));
  const notReviewed: NotReviewed[] = [];
  files.forEach((file, order) => {
    if (tooLarge.has(order)) notReviewed.push({ path: file.path, reason: "too_large" });
    if (dropped.has(order)) notReviewed.push({ path: file.path, reason: "max_llm_calls" });
  });

  const chunks = kept
    .map((bin) => bin.sort(byDiffOrder))
    .sort((a, b) => byDiffOrder(a[0], b[0]))
    .map((bin): Chunk => ({
      files: bin.map((p) => ({ file: p.file, hunks: p.hunks, text: p.text })),
      tokens: bin.reduce((n, p) => n + p.tokens, 0),
    }));
  return { result: { chunks, notReviewed }, unsentHunks };
}

function byDiffOrder(a: Piece, b: Piece): number {
  return a.order - b.order || a.part - b.part;
}

/** The classic bin packing heuristic: never more than 11/9 of the fewest bins possible, plus one. */
function firstFitDecreasing(pieces: Piece[], capacity: number): Piece[][] {
  const sorted = [...pieces].sort((a, b) => b.tokens - a.tokens || byDiffOrder(a, b));
  const bins: Piece[][] = [];
  const room: number[] = [];
  for (const piece of sorted) {
    let i = 0;
    while (i < bins.length && room[i] < piece.tokens) i++;
    if (i === bins.length) {
      bins.push([]);
      room.push(capacity);
    }
    bins[i].push(piece);
    room[i] -= piece.tokens;
  }
  return bins;
}
