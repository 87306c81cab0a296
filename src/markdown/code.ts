/**
 * Putting text inside markdown code, inline or fenced, so that no backtick in the text can
 * close the code early and turn the rest into markup.
 * @module
 */

import { oneLine } from "./_one_line.ts";

/**
 * Inline code for `text` on one line (whitespace collapsed): delimited by one more backtick
 * than the longest run inside, padded with a space when the text starts or ends with a
 * backtick. Not for table cells, where a `|` inside code would still end the cell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeSpan } from "./mod.ts";
 *
 * assert.equal(codeSpan("src/a `b`.ts"), "``src/a `b`.ts``");
 * ```
 */
export function codeSpan(text: string): string {
  const t = oneLine(text);
  let longest = 0;
  for (const run of t.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const ticks = "`".repeat(longest + 1);
  const pad = t.startsWith("`") || t.endsWith("`") ? " " : "";
  return `${ticks}${pad}${t}${pad}${ticks}`;
}

/**
 * A fenced code block of `content` with info string `info` (a language, or a platform's
 * `suggestion`): the fence is longer than any run of three or more backticks inside, so the
 * content cannot close it early.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { codeFence } from "./mod.ts";
 *
 * const fence = "`".repeat(3);
 * assert.equal(codeFence("x = 1", "py"), `${fence}py\nx = 1\n${fence}`);
 * // A fence in the content makes the outer one longer.
 * assert.equal(codeFence(fence, ""), `${fence}\`\n${fence}\n${fence}\``);
 * ```
 */
export function codeFence(content: string, info: string): string {
  let longest = 0;
  for (const run of content.match(/`{3,}/g) ?? []) longest = Math.max(longest, run.length);
  const ticks = "`".repeat(Math.max(3, longest + 1));
  const body = content === "" || content.endsWith("\n") ? content : `${content}\n`;
  return `${ticks}${info}\n${body}${ticks}`;
}
