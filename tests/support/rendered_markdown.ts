/**
 * What survives of an injection once a real CommonMark renderer (markdown-it, with raw HTML on
 * and GFM tables, as the platforms render comments) has turned Loom's markdown into HTML: live
 * mentions outside code, raw HTML, `<…>` autolinks, and HTML elements or attributes CommonMark
 * itself never writes.
 * @module
 */

import MarkdownIt from "markdown-it";

const md = new MarkdownIt({ html: true });

// The elements (and their attributes) markdown-it writes for markdown, none of them for HTML.
const ELEMENTS: Record<string, readonly string[]> = {
  p: [],
  em: [],
  strong: [],
  s: [],
  a: ["href", "title"],
  img: ["src", "alt", "title"],
  ul: [],
  ol: ["start"],
  li: [],
  blockquote: [],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  hr: [],
  br: [],
  table: [],
  thead: [],
  tbody: [],
  tr: [],
  th: ["style"],
  td: ["style"],
};

// Every platform's mention: `@` after a non-alphanumeric, then a name, `{`, `<`, or anything but
// space. A zero-width space after the `@` is how Loom defuses one.
const LIVE_MENTION = /(?:^|[^A-Za-z0-9@])(@[^\s@\u200B][^\s]{0,20})/g;

/**
 * What of `markdown`, rendered, is an injection: each live mention outside `<code>`/`<pre>`, each
 * raw HTML token, each element or attribute markdown does not produce. `extraElements` are the
 * elements the renderer under test writes on purpose (the summary's `<details>` fold). Empty when
 * nothing survived.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { injections } from "./rendered_markdown.ts";
 *
 * assert.deepEqual(injections("`@x` and @\u200By"), []);
 * assert.deepEqual(injections("hi @x <b>"), ["raw HTML <b>", "live mention @x", "element <b>"]);
 * ```
 */
export function injections(markdown: string, extraElements: readonly string[] = []): string[] {
  const found: string[] = [];
  for (const token of md.parse(markdown, {})) {
    for (const t of [token, ...(token.children ?? [])]) {
      if (t.type === "html_block" || t.type === "html_inline") {
        found.push(`raw HTML ${t.content.trim()}`);
      } else if (t.type === "link_open" && t.markup === "autolink") {
        found.push(`autolink ${t.attrGet("href")}`);
      }
    }
  }
  const html = md.render(markdown)
    .replace(/<pre>[\s\S]*?<\/pre>/g, " ")
    .replace(/<code[^>]*>[\s\S]*?<\/code>/g, " ");
  for (const text of html.split(/<[^>]*>/)) {
    for (const m of decode(text).matchAll(LIVE_MENTION)) found.push(`live mention ${m[1]}`);
  }
  for (const m of html.matchAll(/<(\/?)([^\s>/]*)([^>]*)>/g)) {
    const [tag, closing, name, rest] = m;
    const allowed = extraElements.includes(name) ? [] : ELEMENTS[name];
    if (allowed === undefined) {
      if (closing === "") found.push(`element ${tag}`);
      continue;
    }
    const unknown = rest.replace(
      /\s([a-z]+)="[^"]*"/g,
      (a, attr) => allowed.includes(attr) ? "" : a,
    )
      .replace(/\s*\/?$/, "");
    if (unknown !== "") found.push(`attributes ${tag}`);
  }
  return found;
}

function decode(text: string): string {
  const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (e, name: string) => {
    if (name[0] !== "#") return named[name] ?? e;
    const code = name[1] === "x" || name[1] === "X"
      ? parseInt(name.slice(2), 16)
      : parseInt(name.slice(1), 10);
    return String.fromCodePoint(code);
  });
}
