/**
 * Walking the brackets of JSON embedded in free text, strings respected.
 * @module
 */

/** What {@link walkBrackets} saw from a starting bracket. */
export interface BracketWalk {
  /** Index of the bracket closing the starting one; `undefined` when the text ends first. */
  end?: number;
  /** Indexes of every `}` that closed an object sitting directly in an array. */
  itemEnds: number[];
}

/**
 * Follows brackets from `start` (a `{` or `[`) until the value closes, skipping brackets
 * inside strings, so a `}` in a finding's code snippet does not end it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { walkBrackets } from "./json_brackets.ts";
 *
 * assert.deepEqual(walkBrackets('x [{"a": "}"}, {}] y', 2), { end: 17, itemEnds: [12, 16] });
 * ```
 */
export function walkBrackets(text: string, start: number): BracketWalk {
  const stack: string[] = [];
  const itemEnds: number[] = [];
  // The quote that opened the current string; single quotes too, which jsonrepair accepts.
  let quote: string | undefined;
  let escaped = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "{" || c === "[") stack.push(c);
    else if (c === "}" || c === "]") {
      stack.pop();
      if (stack.length === 0) return { end: i, itemEnds };
      if (c === "}" && stack[stack.length - 1] === "[") itemEnds.push(i);
    }
  }
  return { itemEnds };
}

/**
 * Index of the first place at or after `from` where JSON plausibly starts: `{` before a key or
 * `}`, `[` before `{` or `]`. A bracket in prose ("see [1]", "{really}") is not one.
 */
export function nextJsonStart(text: string, from = 0): number | undefined {
  const pattern = /\{\s*["'}]|\[\s*[{\]]/g;
  pattern.lastIndex = from;
  return pattern.exec(text)?.index;
}

/**
 * True when brackets outside double-quoted strings nest deeper than `limit` anywhere in `text`.
 * Findings JSON nests three deep; `jsonrepair` recurses once a level, so 140,000 levels of `[{`
 * from a hostile endpoint cost it half a second to overflow its stack. Such text is not tried.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nestsDeeperThan } from "./json_brackets.ts";
 *
 * assert.equal(nestsDeeperThan('{"findings": [{"body": "[[[["}]}', 3), false);
 * assert.equal(nestsDeeperThan("[[[[", 3), true);
 * ```
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (++depth > limit) return true;
    } else if ((c === "}" || c === "]") && depth > 0) depth--;
  }
  return false;
}
