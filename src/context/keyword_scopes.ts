/**
 * Enclosing scopes found without a parser, for languages Loom has no grammar for and for files a
 * grammar could not parse: by indentation and keywords.
 * @module
 */

// Words that open a scope in common languages: functions, types, modules and blocks.
const OPENER =
  /^(?:(?:export|public|private|protected|internal|static|async|abstract|final|override|virtual|pub(?:\([^)]*\))?|unsafe|extern|local|def|sub|fn|fun|func|function|proc|procedure|method|class|struct|enum|trait|impl|interface|module|namespace|object|record|type|package)\b.*|(?:if|elif|else|for|foreach|while|until|unless|do|switch|case|match|when|try|with|loop|select|begin)\b.*|.*(?:\{|:|\bdo|\bthen|=>)\s*(?:#.*|\/\/.*)?)$/;
// Longest line that may be an opener: a minified line is not worth showing, nor scanning.
const MAX_OPENER_CHARS = 400;
// A line that only closes a scope: it belongs to a scope that ended, never opens one.
const CLOSER = /^(?:[}\])]+[;,)]*|end\b.*|fi|done|esac)$/;

/**
 * For each of `targets` (a line number, 1-based, and the first line of its hunk), the line
 * numbers above the hunk that open the scopes the target line sits in, outermost first. Walking
 * up from the target, each less indented line that reads like an opener (a keyword such as
 * `function`, `def`, `class`, `if`, or a line ending in `{`, `:`, `do`, `then`, `=>`) is one;
 * its indentation is the next level to look above.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keywordScopes } from "./keyword_scopes.ts";
 *
 * const source = "sub load {\n  my $rows = shift;\n  return $rows->[0];\n}\n";
 * assert.deepEqual(keywordScopes(source, [{ line: 3, top: 3 }]), [[1]]);
 * ```
 */
export function keywordScopes(
  source: string,
  targets: readonly { line: number; top: number }[],
): number[][] {
  const lines = source.split("\n");
  return targets.map(({ line, top }) => {
    const found: number[] = [];
    let indent = indentOf(lines[line - 1] ?? "");
    for (let i = Math.min(line, top) - 2; i >= 0 && indent > 0; i--) {
      const text = lines[i];
      const trimmed = text.trim();
      if (trimmed === "") continue;
      const level = indentOf(text);
      if (level >= indent) continue;
      if (CLOSER.test(trimmed)) continue;
      indent = level;
      if (trimmed.length <= MAX_OPENER_CHARS && OPENER.test(trimmed)) found.push(i + 1);
    }
    return found.reverse();
  });
}

// Columns of leading whitespace, a tab counting as a tab stop of 4.
function indentOf(text: string): number {
  let n = 0;
  for (const c of text) {
    if (c === " ") n++;
    else if (c === "\t") n += 4 - n % 4;
    else return n;
  }
  return Number.POSITIVE_INFINITY; // a blank line: deeper than anything
}
