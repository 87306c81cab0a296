/**
 * Escaping model-written text for markdown comments on a git platform. This is a security
 * boundary: what a model writes must not break the comment's layout, open HTML that swallows the
 * rest of the comment, or mention (and so notify) people.
 * @module
 */

import { oneLine } from "./_one_line.ts";

const HTML_ENTITY: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;" };

/**
 * Text for one line of markdown: whitespace collapsed to one line, every markdown and HTML
 * character escaped (so it stays plain text and is safe in a table cell), mentions defused.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeInline } from "./mod.ts";
 *
 * assert.equal(escapeInline("Use <b>|*x*"), "Use &lt;b&gt;\\|\\*x\\*");
 * ```
 */
export function escapeInline(text: string): string {
  const escaped = oneLine(text).replace(
    /[\\`*_[\]<>|~&#]/g,
    (c) => HTML_ENTITY[c] ?? `\\${c}`,
  );
  return noMentions(escaped);
}

/**
 * Model markdown kept as markdown, minus what can break out of its place: raw HTML (`<details>`,
 * `<!--`) outside code, `@mentions`, and a code fence left open (it would swallow what follows,
 * so it is closed). Text inside fences and code spans is left as written. Line endings become
 * `\n`; the result is trimmed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeBody } from "./mod.ts";
 *
 * assert.equal(escapeBody("Ask @octocat.</details>"), "Ask @\u200Boctocat.&lt;/details>");
 * ```
 */
export function escapeBody(body: string): string {
  const out: string[] = [];
  let open: { char: string; len: number } | null = null;
  for (const line of body.replace(/\r\n?/g, "\n").trimEnd().split("\n")) {
    const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (open) {
      if (m && m[1][0] === open.char && m[1].length >= open.len && m[2].trim() === "") open = null;
      out.push(line);
    } else if (m && !(m[1][0] === "`" && m[2].includes("`"))) {
      open = { char: m[1][0], len: m[1].length };
      out.push(line);
    } else {
      out.push(escapeProse(line));
    }
  }
  if (open) out.push(open.char.repeat(open.len));
  return out.join("\n").trim();
}

/** Escapes HTML and mentions in one line of prose, leaving code spans as written. */
function escapeProse(line: string): string {
  let out = "";
  let from = 0;
  let at = line.indexOf("`");
  while (at >= 0) {
    const runEnd = endOfRun(line, at);
    const close = findRun(line, runEnd, runEnd - at);
    if (close < 0) {
      out += prose(line.slice(from, runEnd));
    } else {
      out += prose(line.slice(from, at)) + line.slice(at, close);
    }
    from = close < 0 ? runEnd : close;
    at = line.indexOf("`", from);
  }
  return out + prose(line.slice(from));
}

function prose(text: string): string {
  return noMentions(text.replace(/[<&]/g, (c) => HTML_ENTITY[c]));
}

/** End (exclusive) of the backtick run closing a span of `len` backticks, or -1. */
function findRun(line: string, from: number, len: number): number {
  for (let j = line.indexOf("`", from); j >= 0; j = line.indexOf("`", j)) {
    const end = endOfRun(line, j);
    if (end - j === len) return end;
    j = end;
  }
  return -1;
}

function endOfRun(line: string, at: number): number {
  let end = at;
  while (line[end] === "`") end++;
  return end;
}

// A zero-width space after `@` stops forges from notifying whoever a model happened to name.
function noMentions(text: string): string {
  return text.replace(/(^|[^\w@])@(?=[A-Za-z0-9])/g, "$1@\u200B");
}
