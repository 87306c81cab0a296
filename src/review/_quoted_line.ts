/**
 * Finding the line a model quoted: models misnumber lines far more often than they misquote
 * them, so the quote decides where a finding goes when the number holds other code.
 * @module
 */

import type { Hunk } from "../diff/mod.ts";

/**
 * How far from the given number a quote is looked for outside that number's hunk. Numbered
 * prompts keep models close; further away, a repeated line (`return null;`) is more likely
 * another place than the meant one.
 */
export const QUOTE_DISTANCE = 50;

// A fragment shorter than this (`}`, `return;`) is found in too many lines to say which one.
const MIN_FRAGMENT = 10;

/**
 * The new-side line of `hunks` whose code is `quote`, nearest to `line`, or undefined when no
 * commentable line near `line` holds that code.
 *
 * The quote is compared after collapsing whitespace, using its first non-blank line (a model
 * quoting a range starts at its first line), and also without the `NUMBER MARKER ` prefix or the
 * `+` the prompt shows, in case the model copied them. A line whose whole code equals the quote
 * wins over one that merely contains it (only quotes of 10 or more characters are looked for
 * inside lines). Within each kind of match, the hunk holding `line` is searched first, then every
 * hunk within {@link QUOTE_DISTANCE} lines of it; several matches resolve to the nearest, on a
 * tie an added line, then the line above.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDiff } from "../diff/mod.ts";
 * import { quotedLine } from "./_quoted_line.ts";
 *
 * const [file] = parseDiff(
 *   "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1,2 +1,3 @@\n a();\n+b();\n c();\n",
 * );
 * assert.equal(quotedLine(file.hunks, 3, "b();"), 2);
 * assert.equal(quotedLine(file.hunks, 3, "z();"), undefined);
 * ```
 */
export function quotedLine(
  hunks: readonly Hunk[],
  line: number,
  quote: string,
): number | undefined {
  const keys = quoteKeys(quote);
  if (keys.length === 0) return undefined;
  const own = hunks.find((h) => line >= h.newStart && line < h.newStart + Math.max(1, h.newLines));
  const near = hunks.filter((h) =>
    h.newStart <= line + QUOTE_DISTANCE && h.newStart + h.newLines - 1 >= line - QUOTE_DISTANCE
  );
  const exact = (text: string) => keys.includes(text);
  const fragments = keys.filter((k) => k.length >= MIN_FRAGMENT);
  const inside = (text: string) => fragments.some((k) => text.includes(k));
  for (const matches of [exact, inside]) {
    for (const scope of [own ? [own] : [], near]) {
      const found = nearest(scope, line, matches);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function quoteKeys(quote: string): string[] {
  const first = quote.split("\n").find((l) => l.trim() !== "");
  if (first === undefined) return [];
  const keys = new Set([normalise(first)]);
  const shown = /^\s*\d+ [+ ] (.*)$/.exec(first);
  if (shown) keys.add(normalise(shown[1]));
  const marked = /^\s*\+(.*)$/.exec(first);
  if (marked) keys.add(normalise(marked[1]));
  keys.delete("");
  return [...keys];
}

function normalise(text: string): string {
  return text.trim().replace(/\s+/g, " ");
}

function nearest(
  hunks: readonly Hunk[],
  line: number,
  matches: (text: string) => boolean,
): number | undefined {
  let best: { line: number; distance: number; added: boolean } | undefined;
  for (const hunk of hunks) {
    for (const l of hunk.lines) {
      if (l.newLine === null) continue;
      const distance = Math.abs(l.newLine - line);
      if (distance > QUOTE_DISTANCE || (best && distance > best.distance)) continue;
      if (!matches(normalise(l.text))) continue;
      const added = l.kind === "add";
      const better = !best || distance < best.distance ||
        (added && !best.added) || (added === best.added && l.newLine < best.line);
      if (better) best = { line: l.newLine, distance, added };
    }
  }
  return best?.line;
}
