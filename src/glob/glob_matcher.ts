/**
 * Matching paths against globs without a backtracking regular expression. Globs come from
 * repository configs, written by people the server need not trust; compiled to a regular
 * expression (picomatch), a pattern such as `*a*a*a*a*z` or `@(*|*)@(*|*)…z` takes time
 * exponential in its wildcards against a long name, blocking the whole process. Here a segment
 * is matched by the two-pointer wildcard algorithm (time: pattern length × name length) and `**`
 * by a walk over the path's segments, so a match is polynomial in the sizes, never exponential.
 * @module
 */

/** What a compiled glob matches: the whole of `path`, `/`-separated. */
export type GlobMatcher = (path: string) => boolean;

/** Brace alternatives one glob may expand to; more fail the compile (the config refuses them). */
export const MAX_BRACE_EXPANSIONS = 64;

type Token =
  | { kind: "char"; char: string }
  | { kind: "any" }
  | { kind: "star" }
  | { kind: "class"; negated: boolean; items: [string, string][] };

/** A pattern segment: `**` (any number of path segments) or the tokens one segment must match. */
type Segment = "**" | Token[];

/**
 * Compiles `patterns` into one matcher that is true when any of them matches the whole path.
 * Syntax, as picomatch's with `dot: true`: `*` any run within a segment (dotfiles included),
 * `?` one character, `[a-z]`/`[!a-z]` classes, `**` as a whole segment any number of segments,
 * `{a,b}` alternatives, `\` escapes the next character. Extglobs (`@(…)`, `*(…)`, …) are not
 * special: the repository config refuses them before they get here. Throws when a pattern's
 * braces expand to more than {@link MAX_BRACE_EXPANSIONS} alternatives.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { globMatcher } from "./glob_matcher.ts";
 *
 * const isSource = globMatcher(["src/**\/*.{ts,tsx}", "*.md"]);
 * assert.equal(isSource("src/a/b/c.tsx"), true);
 * assert.equal(isSource("README.md"), true);
 * assert.equal(isSource("lib/c.ts"), false);
 * // Linear where a regular expression backtracks: a hostile pattern on a 255-character name.
 * assert.equal(globMatcher(["*a*a*a*a*a*a*a*a*z"])("a".repeat(255)), false);
 * ```
 */
export function globMatcher(patterns: readonly string[]): GlobMatcher {
  const compiled: Segment[][] = [];
  for (const pattern of patterns) {
    for (const alternative of expandBraces(pattern)) compiled.push(compileSegments(alternative));
  }
  return (path) => {
    const segments = path.split("/");
    return compiled.some((pattern) => matchPath(pattern, segments));
  };
}

function compileSegments(pattern: string): Segment[] {
  const out: Segment[] = [];
  for (const part of splitSegments(pattern)) {
    if (part === "**") {
      if (out.at(-1) !== "**") out.push("**"); // `**/**` means what `**` does
    } else out.push(tokenize(part));
  }
  return out;
}

// Splits at `/` outside classes and escapes.
function splitSegments(pattern: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) {
      current += c + pattern[++i];
    } else if (c === "/") {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function tokenize(segment: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === "\\" && i + 1 < segment.length) tokens.push({ kind: "char", char: segment[++i] });
    else if (c === "*") {
      if (tokens.at(-1)?.kind !== "star") tokens.push({ kind: "star" });
    } else if (c === "?") tokens.push({ kind: "any" });
    else if (c === "[") {
      const parsed = parseClass(segment, i);
      if (parsed) {
        tokens.push(parsed.token);
        i = parsed.end;
      } else tokens.push({ kind: "char", char: c });
    } else tokens.push({ kind: "char", char: c });
  }
  return tokens;
}

// `[…]` from `start`; undefined when unclosed, so the `[` is literal.
function parseClass(s: string, start: number): { token: Token; end: number } | undefined {
  let i = start + 1;
  const negated = s[i] === "!" || s[i] === "^";
  if (negated) i++;
  const items: [string, string][] = [];
  let first = true;
  for (; i < s.length; i++) {
    let c = s[i];
    if (c === "]" && !first) return { token: { kind: "class", negated, items }, end: i };
    first = false;
    if (c === "\\" && i + 1 < s.length) c = s[++i];
    if (s[i + 1] === "-" && i + 2 < s.length && s[i + 2] !== "]") {
      let to = s[i + 2];
      i += 2;
      if (to === "\\" && i + 1 < s.length) to = s[++i];
      items.push([c, to]);
    } else items.push([c, c]);
  }
  return undefined;
}

function matchesOne(token: Token, c: string): boolean {
  switch (token.kind) {
    case "char":
      return token.char === c;
    case "any":
      return true;
    case "star":
      return false;
    case "class": {
      const hit = token.items.some(([from, to]) => c >= from && c <= to);
      return hit !== token.negated;
    }
  }
}

/**
 * Whether `tokens` match all of `name`: the classic wildcard algorithm, which on a mismatch
 * moves only the most recent `*` one character on. That suffices because every other token
 * matches exactly one character, and costs at most tokens × characters steps.
 */
function matchSegment(tokens: Token[], name: string): boolean {
  let t = 0;
  let i = 0;
  let starToken = -1;
  let starIndex = 0;
  while (i < name.length) {
    const token = tokens[t];
    if (token !== undefined && token.kind === "star") {
      starToken = t++;
      starIndex = i;
    } else if (token !== undefined && matchesOne(token, name[i])) {
      t++;
      i++;
    } else if (starToken >= 0) {
      t = starToken + 1;
      i = ++starIndex;
    } else return false;
  }
  while (tokens[t]?.kind === "star") t++;
  return t === tokens.length;
}

/**
 * Whether the pattern's segments match all of the path's: the set of pattern positions
 * reachable after each path segment, so `**` costs pattern × path segments, not a search.
 */
function matchPath(pattern: Segment[], path: string[]): boolean {
  let reachable = closure(pattern, new Set([0]));
  for (const name of path) {
    const next = new Set<number>();
    for (const p of reachable) {
      const segment = pattern[p];
      if (segment === undefined) continue;
      if (segment === "**") next.add(p); // `**` takes this segment and may take more
      else if (matchSegment(segment, name)) next.add(p + 1);
    }
    if (next.size === 0) return false;
    reachable = closure(pattern, next);
  }
  return reachable.has(pattern.length);
}

// `**` may also match no segment at all: a position before it reaches the one after it.
function closure(pattern: Segment[], positions: Set<number>): Set<number> {
  for (const p of positions) if (pattern[p] === "**") positions.add(p + 1);
  return positions;
}

/**
 * The alternatives of `{a,b}` groups, nested ones included, left to right; `\{` and a group
 * without a comma stay literal. Stops with an error past {@link MAX_BRACE_EXPANSIONS}.
 */
export function expandBraces(pattern: string): string[] {
  const group = firstGroup(pattern);
  if (!group) return [pattern];
  const head = pattern.slice(0, group.open);
  const tail = pattern.slice(group.close + 1);
  const out: string[] = [];
  for (const option of group.options) {
    for (const expanded of expandBraces(head + option + tail)) {
      out.push(expanded);
      if (out.length > MAX_BRACE_EXPANSIONS) {
        throw new RangeError(
          `glob ${JSON.stringify(pattern)} expands to more than ${MAX_BRACE_EXPANSIONS} ` +
            "alternatives",
        );
      }
    }
  }
  return out;
}

// The first top-level `{…}` holding a top-level comma, split at those commas.
function firstGroup(
  pattern: string,
): { open: number; close: number; options: string[] } | undefined {
  for (let open = 0; open < pattern.length; open++) {
    if (pattern[open] === "\\") {
      open++;
      continue;
    }
    if (pattern[open] !== "{") continue;
    let depth = 0;
    const cuts: number[] = [];
    for (let i = open; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === "\\") i++;
      else if (c === "{") depth++;
      else if (c === "," && depth === 1) cuts.push(i);
      else if (c === "}" && --depth === 0) {
        if (cuts.length === 0) break; // `{x}`: literal, look further on
        const bounds = [open, ...cuts, i];
        const options = bounds.slice(1).map((end, k) => pattern.slice(bounds[k] + 1, end));
        return { open, close: i, options };
      }
    }
  }
  return undefined;
}
