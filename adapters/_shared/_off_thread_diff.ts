/**
 * Line diffs that cannot stall the server: a small file is diffed in place (its cost is bounded
 * by its size), a larger one in a Web Worker that is terminated once past its time limit. jsdiff
 * is synchronous, and one rewritten 40,000-line file kept the event loop busy for its whole
 * 5-second timeout, with every webhook and `/health` waiting behind it.
 * @module
 */

import { structuredPatch } from "diff";
import type { DiffRequest } from "./_diff_worker.ts";

/** A hunk as jsdiff gives it: counts and `+`/`-`/` `-prefixed lines. */
export interface RawHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

/** Limits of {@link hunksOffThread}. */
export interface OffThreadLimits {
  /** Both sides together at most this many lines: diffed in place. */
  inlineLines: number;
  /** jsdiff's own give-up time inside the worker. */
  timeoutMs: number;
  /** The worker is terminated this long after it started, should jsdiff not return. */
  killAfterMs: number;
}

// Up to 2,000 lines the worst case (every line changed) is a few milliseconds of jsdiff: cheaper
// than starting a worker. Above, the worker's start-up is small beside the diff.
const LIMITS: OffThreadLimits = { inlineLines: 2_000, timeoutMs: 5_000, killAfterMs: 6_000 };

/**
 * jsdiff's hunks of `oldText` → `newText` with `context` lines, or null when the diff took longer
 * than its limit (the caller then shows the file replaced whole).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hunksOffThread } from "./_off_thread_diff.ts";
 *
 * const lines = (n: number, tag: string) =>
 *   Array.from({ length: n }, (_, i) => `${tag} ${i}\n`).join("");
 * // 6,000 lines: diffed in a worker, while this thread stays free.
 * const hunks = await hunksOffThread(lines(3000, "old"), lines(3000, "new"), 3);
 * assert.equal(hunks?.length, 1);
 * assert.equal(hunks?.[0].lines.length, 6000);
 * // Past the time limit the worker is terminated: no hunks, and no wait beyond it.
 * const killed = await hunksOffThread(lines(3000, "a"), lines(3000, "b"), 3, {
 *   inlineLines: 0,
 *   timeoutMs: 60_000,
 *   killAfterMs: 1,
 * });
 * assert.equal(killed, null);
 * ```
 */
export function hunksOffThread(
  oldText: string,
  newText: string,
  context: number,
  limits: OffThreadLimits = LIMITS,
): Promise<RawHunk[] | null> {
  if (lineCount(oldText) + lineCount(newText) <= limits.inlineLines) {
    const patch = structuredPatch("", "", oldText, newText, "", "", {
      context,
      timeout: limits.timeoutMs,
    });
    return Promise.resolve(patch?.hunks ?? null);
  }
  const worker = new Worker(new URL("./_diff_worker.ts", import.meta.url).href, {
    type: "module",
  });
  return new Promise<RawHunk[] | null>((resolve) => {
    const done = (hunks: RawHunk[] | null) => {
      clearTimeout(timer);
      worker.terminate();
      resolve(hunks);
    };
    const timer = setTimeout(() => done(null), limits.killAfterMs);
    worker.onmessage = (e: MessageEvent<RawHunk[] | null>) => done(e.data);
    // A worker that fails to start or throws: the file is shown replaced whole, as on a timeout.
    worker.onerror = (e) => {
      e.preventDefault();
      done(null);
    };
    const request: DiffRequest = { oldText, newText, context, timeoutMs: limits.timeoutMs };
    worker.postMessage(request);
  });
}

function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return n + 1;
}
