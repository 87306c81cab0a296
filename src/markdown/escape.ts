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
      out.push(escapeText(line));
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
 * Escapes HTML, entities and mentions in a line of prose. A code span is kept as written where
 * the platform is sure to read it as one (see {@link trusted}); any other backtick is
 * backslash-escaped, and an untrusted span's content is escaped as prose. Linear in the line.
 */
function escapeText(line: string): string {
  const parts: Part[] = [];
  prose(line, indexLine(line), parts);
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

/**
 * Escapes `text` into `parts`. With `line` (the index of the whole line `text` is), code spans
 * may be kept; without it (a part of the line already known not to be code) none are.
 */
function prose(text: string, line: LineIndex | null, parts: Part[]): void {
  const add = (t: string, code = false) => {
    const last = parts.at(-1);
    if (!code && last && !last.code) last.text += t;
    else parts.push({ text: t, code });
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\" && i + 1 < text.length && ASCII_PUNCTUATION.test(text[i + 1])) {
      // An escaped character is literal text (`\<` shows `<`), so it is kept as written.
      add(text.slice(i, i + 2));
      i += 2;
    } else if (c === "\\" && i + 1 === text.length && !line) {
      // A part ends at a backslash: escaped, so it cannot escape the backtick written after it.
      add("\\\\");
      i++;
    } else if (c === "`") {
      const runEnd = endOfRun(text, i);
      const len = runEnd - i;
      const ticks = "\\`".repeat(len);
      const close = line ? closingRun(line, runEnd, len) : -1;
      if (close >= 0 && line && trusted(line, i, runEnd, close)) {
        add(text.slice(i, close), true);
      } else if (close >= 0) {
        add(ticks);
        prose(text.slice(runEnd, close - len), null, parts);
        add(ticks);
      } else {
        add(ticks);
      }
      i = close >= 0 ? close : runEnd;
    } else if (c === "]" && text[i + 1] === "(") {
      // A link's destination and title may hold backticks the platform never reads as code.
      const end = line ? endOfLinkTail(text, i + 1) : text.length;
      add("]");
      prose(text.slice(i + 1, end), null, parts);
      i = end;
    } else {
      add(c === "<" || c === "&" ? HTML_ENTITY[c] : c);
      i++;
    }
  }
}

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

/** What {@link trusted} and {@link closingRun} look up in a line, found in one pass over it. */
interface LineIndex {
  text: string;
  /** Start of each backtick run, by its length, in order; `next` is how far lookups have got. */
  runs: Map<number, number[]>;
  next: Map<number, number>;
  /** Where the first `][` is, or -1. */
  label: number;
  /** 1 where the word before the index (back to whitespace) holds `:` or `www.`. */
  urlWord: Uint8Array;
}

function indexLine(text: string): LineIndex {
  const runs = new Map<number, number[]>();
  const urlWord = new Uint8Array(text.length + 1);
  let url = 0;
  for (let i = 0; i < text.length; i++) {
    urlWord[i] = url;
    const c = text[i];
    if (/\s/.test(c)) url = 0;
    else if (c === ":" || (c === "." && /www$/i.test(text.slice(Math.max(0, i - 3), i)))) url = 1;
    if (c === "`" && text[i - 1] !== "`") {
      const len = endOfRun(text, i) - i;
      const starts = runs.get(len) ?? [];
      starts.push(i);
      runs.set(len, starts);
    }
  }
  urlWord[text.length] = url;
  return { text, runs, next: new Map(), label: text.indexOf("]["), urlWord };
}

/**
 * End (exclusive) of the first run of exactly `len` backticks at or after `from`, or -1.
 * Lookups go forward through the line, so each length's list is walked once.
 */
function closingRun(line: LineIndex, from: number, len: number): number {
  const starts = line.runs.get(len) ?? [];
  let k = line.next.get(len) ?? 0;
  while (k < starts.length && starts[k] < from) k++;
  line.next.set(len, k);
  return k < starts.length ? starts[k] + len : -1;
}

/**
 * Whether the platform reads the backticks at `open`..`openEnd`, closed at `close`, as one code
 * span. Not when a table cell ends inside it (`|`), when a link label before it may hold its
 * opening backticks (`[x][` … `]`), or when it is glued to a URL a GFM autolink may extend
 * through it (`https://x/`, `www.`).
 */
function trusted(line: LineIndex, open: number, openEnd: number, close: number): boolean {
  const content = line.text.slice(openEnd, close - (openEnd - open));
  if (content.includes("|")) return false;
  if (content.includes("]") && line.label >= 0 && line.label < open) return false;
  return line.urlWord[open] === 0;
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
