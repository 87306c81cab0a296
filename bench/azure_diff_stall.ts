/**
 * Azure DevOps diff benchmark: the longest event-loop stall while Loom diffs one rewritten
 * 40,000-line file (every line changed), the case that kept jsdiff busy for its whole timeout.
 * A 10 ms timer measures the gaps between its ticks. Prints one JSON line.
 *
 *   deno task bench:azure_diff_stall
 */
import { fileDiff } from "../adapters/azure_devops/_diff.ts";

const lines = (tag: string) =>
  Array.from({ length: 40_000 }, (_, i) => `${tag} line ${i}\n`).join("");
const enc = (s: string) => new TextEncoder().encode(s);
const file = {
  oldPath: "big.txt",
  newPath: "big.txt",
  oldContent: enc(lines("old")),
  newContent: enc(lines("rewritten")),
};

let last = performance.now();
let longest = 0;
let ticks = 0;
const timer = setInterval(() => {
  const now = performance.now();
  longest = Math.max(longest, now - last);
  last = now;
  ticks++;
}, 10);
const started = performance.now();
// Awaited either way: before the worker, fileDiff returned the text itself.
const diff = await fileDiff(file);
const ms = performance.now() - started;
// One more tick, so that a stall at the very end is measured too.
await new Promise((r) => setTimeout(r, 20));
clearInterval(timer);
console.log(JSON.stringify({
  bench: "azure_diff_stall",
  lines: 40_000,
  diff_ms: Math.round(ms),
  longest_stall_ms: Math.round(longest),
  timer_ticks: ticks,
  diff_kb: Math.round(diff.length / 1024),
}));
