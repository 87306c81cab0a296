/**
 * Which globs a repository config may use. Globs are matched by `globMatcher` (src/glob), whose
 * time is bounded whatever the pattern; what is refused here is what it does not support — and
 * what, in a backtracking matcher, took exponential time: extglobs, nested braces, patterns long
 * or wild enough to be an attack rather than a filter.
 * @module
 */

import { expandBraces } from "../glob/mod.ts";

/** Longest glob accepted, in characters: real path filters are far shorter. */
export const MAX_GLOB_LENGTH = 256;
/** Most wildcards (`*`, `?`) accepted in one glob. */
export const MAX_GLOB_WILDCARDS = 16;

const EXTGLOB = /[@*+?!]\(/;
const RANGE = /\{[^{},]*\.\.[^{},]*\}/;

/**
 * Why `glob` is refused, or undefined when it is fine. Each message says what to write instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { globProblem } from "./glob_problem.ts";
 *
 * assert.equal(globProblem("src/**\/*.{ts,tsx}"), undefined);
 * assert.match(globProblem("@(*|*)@(*|*)z")!, /extglobs .* are not supported/);
 * ```
 */
export function globProblem(glob: string): string | undefined {
  if (glob.length > MAX_GLOB_LENGTH) {
    return `a glob may be at most ${MAX_GLOB_LENGTH} characters long (this one has ${glob.length})`;
  }
  if (EXTGLOB.test(glob)) {
    return "extglobs such as @(a|b), *(a), +(a), ?(a) and !(a) are not supported: they can " +
      "make matching take exponential time; list the alternatives as separate globs or as {a,b}";
  }
  if (hasNestedBraces(glob)) {
    return "nested braces ({a,{b,c}}) are not supported: flatten them to {a,b,c} or list " +
      "separate globs";
  }
  if (RANGE.test(glob)) {
    return "brace ranges such as {1..9} are not supported: list the alternatives as {1,2,3}";
  }
  if (glob.includes("[[:")) {
    return "POSIX character classes such as [[:alpha:]] are not supported: use a range like [a-z]";
  }
  const wildcards = [...glob].filter((c) => c === "*" || c === "?").length;
  if (wildcards > MAX_GLOB_WILDCARDS) {
    return `a glob may hold at most ${MAX_GLOB_WILDCARDS} wildcards (* or ?), this one has ` +
      `${wildcards}`;
  }
  try {
    expandBraces(glob);
  } catch (e) {
    return `${(e as Error).message}: list fewer alternatives`;
  }
  return undefined;
}

function hasNestedBraces(glob: string): boolean {
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "\\") i++;
    else if (c === "{" && ++depth > 1) return true;
    else if (c === "}" && depth > 0) depth--;
  }
  return false;
}
