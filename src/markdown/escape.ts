/**
 * Escaping model-written text for markdown comments on a git platform. This is a security
 * boundary: what a model writes must not break the comment's layout, open HTML that swallows the
 * rest of the comment, or mention (and so notify) people.
 *
 * What matters is how the platform renders the output, not how it would have rendered the input,
 * so code the model wrote is re-emitted in a canonical form whose extent the platform cannot
 * read differently: fenced blocks are re-fenced at the left margin with a fence their content
 * cannot close, and on a prose line every backtick that is not part of a code span kept as written
 * is backslash-escaped, so no backtick can pair with one on another line or in a link.
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
 * `<!--`), autolinks and entities outside code, `@mentions` of every platform's kind, and a code
 * fence left open (it would swallow what follows, so it is closed). Code spans are kept as written
 * where the platform cannot read them otherwise; fenced code keeps its content and info string
 * but is re-fenced at the left margin. Line endings become `\n`; leading blank lines and trailing
 * whitespace are dropped (not the first line's indentation, which may make it indented code).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeBody } from "./mod.ts";
 *
 * assert.equal(escapeBody("Ask @octocat.</details>"), "Ask @\u200Boctocat.&lt;/details>");
 * // A backslash makes the backtick literal, so what follows is prose and is escaped.
 * assert.equal(escapeBody("\\`@everyone`"), "\\`@\u200Beveryone\\`");
 * ```
 */
export function escapeBody(body: string): string {
  const lines = body.replace(/\r\n?/g, "\n").trimEnd().split("\n");
  while (lines.length > 0 && lines[0].trim() === "") lines.shift();
  const out: string[] = [];
  let open: OpenFence | null = null;
  for (const line of lines) {
    const m = FENCE.exec(line);
    if (open) {
      if (m && m[2][0] === open.char && m[2].length >= open.len && m[3].trim() === "") {
        out.push(...refence(open));
        open = null;
      } else {
        open.content.push(line.slice(Math.min(open.indent, leadingSpaces(line))));
      }
    } else if (m && !(m[2][0] === "`" && m[3].includes("`"))) {
      open = { char: m[2][0], len: m[2].length, indent: m[1].length, info: m[3], content: [] };
    } else {
      out.push(escapeText(line, true));
    }
  }
  if (open) out.push(...refence(open));
  return out.join("\n");
}

// Up to three spaces, then three or more backticks or tildes, then the info string.
const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;

interface OpenFence {
  char: string;
  len: number;
  indent: number;
  info: string;
  content: string[];
}

/**
 * The fenced block at the left margin (indented, a list item or quote the prose opened could
 * end it early and turn the rest into prose), its fence longer than any run of its character
 * inside, so no content line can close it.
 */
function refence(f: OpenFence): string[] {
  let longest = 0;
  for (const line of f.content) {
    for (const run of line.match(f.char === "`" ? /`{3,}/g : /~{3,}/g) ?? []) {
      longest = Math.max(longest, run.length);
    }
  }
  const fence = f.char.repeat(Math.max(f.len, longest + 1));
  return [`${fence}${f.info}`, ...f.content, fence];
}

function leadingSpaces(line: string): number {
  let n = 0;
  while (line[n] === " ") n++;
  return n;
}

/**
 * Escapes HTML, entities and mentions in prose. With `spans`, a code span is kept as written
 * where the platform is sure to read it as one (see {@link trusted}); any other backtick is
 * backslash-escaped, and an untrusted span's content is escaped as prose.
 */
function escapeText(text: string, spans: boolean): string {
  const parts: Part[] = [];
  prose(text, spans, parts);
  let out = "";
  let run = "";
  for (const part of parts) {
    if (part.code) {
      out += noMentions(run) + part.text;
      run = "";
    } else {
      run += part.text;
    }
  }
  return out + noMentions(run);
}

/** Some output, and whether it is a code span kept as written (or prose, to defuse mentions in). */
interface Part {
  text: string;
  code: boolean;
}

function prose(text: string, spans: boolean, parts: Part[]): void {
  const add = (t: string, code = false) => parts.push({ text: t, code });
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\" && i + 1 < text.length && ASCII_PUNCTUATION.test(text[i + 1])) {
      // An escaped character is literal text (`\<` shows `<`), so it is kept as written.
      add(text.slice(i, i + 2));
      i += 2;
    } else if (c === "\\" && i + 1 === text.length && !spans) {
      // A part ends at a backslash: escaped, so it cannot escape the backtick written after it.
      add("\\\\");
      i++;
    } else if (c === "`") {
      const runEnd = endOfRun(text, i);
      const ticks = "\\`".repeat(runEnd - i);
      const close = spans ? findRun(text, runEnd, runEnd - i) : -1;
      if (close >= 0 && trusted(text, i, runEnd, close)) {
        add(text.slice(i, close), true);
      } else if (close >= 0) {
        add(ticks);
        prose(text.slice(runEnd, close - (runEnd - i)), false, parts);
        add(ticks);
      } else {
        add(ticks);
      }
      i = close >= 0 ? close : runEnd;
    } else if (c === "]" && text[i + 1] === "(") {
      // A link's destination and title may hold backticks the platform never reads as code.
      const end = spans ? endOfLinkTail(text, i + 1) : text.length;
      add("]");
      prose(text.slice(i + 1, end), false, parts);
      i = end;
    } else {
      add(c === "<" || c === "&" ? HTML_ENTITY[c] : c);
      i++;
    }
  }
}

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

/**
 * Whether the platform reads the backticks at `open`..`openEnd`, closed at `close`, as one code
 * span. Not when a table cell ends inside it (`|`), when a link label before it may hold its
 * opening backticks (`[x][` … `]`), or when it is glued to a URL a GFM autolink may extend
 * through it (`https://x/`, `www.`).
 */
function trusted(text: string, open: number, openEnd: number, close: number): boolean {
  const content = text.slice(openEnd, close - (openEnd - open));
  if (content.includes("|")) return false;
  if (content.includes("]") && text.slice(0, open).includes("][")) return false;
  const word = /\S*$/.exec(text.slice(0, open))?.[0] ?? "";
  return !(word.includes(":") || /www\./i.test(word));
}

/**
 * End (exclusive) of the link tail opening at `paren`: its first `)` when nothing before that
 * can make a destination or title run past it (a quote, a parenthesis, a backslash), otherwise
 * the end of the text.
 */
function endOfLinkTail(text: string, paren: number): number {
  const close = text.indexOf(")", paren + 1);
  if (close < 0 || /["'(\\]/.test(text.slice(paren + 1, close))) return text.length;
  return close + 1;
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

// Every platform's mention starts with `@` after a non-alphanumeric: `@user`, `@org/team`,
// GitLab's `@all`, Bitbucket's `@{account-id}`, Azure DevOps' `@<GUID>`. A zero-width space after
// the `@` stops the platform from notifying whoever a model happened to name.
const MENTION = /(^|[^A-Za-z0-9@])@(?=[^\s@\u200B])/g;

function noMentions(text: string): string {
  return text.replace(MENTION, "$1@\u200B");
}
