/**
 * Glob benchmark: how long `selectFiles` takes to match a repository config's hostile
 * `ignore_paths` entry (`@(*|*)` repeated, then `z`; extglob groups that a backtracking regular
 * expression explores exhaustively) and a many-star pattern against one long file name. One JSON
 * line, times in milliseconds.
 *
 *   deno task bench:globs [--groups 5] [--length 53]
 */
import { parseArgs } from "node:util";
import { parseDiff } from "../src/diff/mod.ts";
import { selectFiles } from "../src/review/select.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { groups: { type: "string", default: "5" }, length: { type: "string", default: "53" } },
});
const groups = Number(values.groups);
const name = "a".repeat(Number(values.length));
const diff = parseDiff(
  `diff --git a/${name} b/${name}\n--- a/${name}\n+++ b/${name}\n@@ -1 +1 @@\n-x\n+y\n`,
);

function timed(pattern: string): number {
  const started = performance.now();
  selectFiles(diff, { ignorePaths: [pattern] });
  return Math.round((performance.now() - started) * 100) / 100;
}

console.log(JSON.stringify({
  bench: "globs",
  name_length: name.length,
  extglob_groups: groups,
  extglob_ms: timed("@(*|*)".repeat(groups) + "z"),
  stars: 4,
  stars_ms: timed("*a".repeat(4) + "*z"),
}));
