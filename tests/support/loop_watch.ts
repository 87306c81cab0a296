/**
 * Watching the event loop: a timer whose ticks show whether the loop stayed free while something
 * ran (a blocked loop misses its ticks), and the longest gap between two of them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { watchEventLoop } from "./loop_watch.ts";
 *
 * const watch = watchEventLoop(10);
 * await new Promise((r) => setTimeout(r, 100));
 * const { ticks, longestGapMs } = watch.stop();
 * assert.ok(ticks > 3);
 * assert.ok(longestGapMs < 1000);
 * ```
 */
export function watchEventLoop(everyMs: number): {
  stop(): { ticks: number; longestGapMs: number };
} {
  let last = performance.now();
  let longestGapMs = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    ticks++;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      // A stall at the very end, after the last tick, counts too.
      longestGapMs = Math.max(longestGapMs, performance.now() - last);
      return { ticks, longestGapMs };
    },
  };
}
