/**
 * The Web Worker that runs jsdiff for {@link hunksOffThread}: one message in (both texts and the
 * context), one message out (the hunks, or null when jsdiff gave up). Off the main thread, a
 * pathological file costs this worker its time, never the webhooks and `/health`.
 * @module
 */
/// <reference lib="deno.worker" />

import { structuredPatch } from "diff";

/** What the worker is asked. */
export interface DiffRequest {
  oldText: string;
  newText: string;
  context: number;
  /** jsdiff's own time limit; the caller terminates the worker shortly after it. */
  timeoutMs: number;
}

self.onmessage = (e: MessageEvent<DiffRequest>) => {
  const { oldText, newText, context, timeoutMs } = e.data;
  const patch = structuredPatch("", "", oldText, newText, "", "", { context, timeout: timeoutMs });
  self.postMessage(patch?.hunks ?? null);
};
