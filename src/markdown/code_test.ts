import assert from "node:assert/strict";
import { codeFence, codeSpan } from "./code.ts";

Deno.test("codeSpan: delimited by one backtick more than the longest run inside", () => {
  assert.equal(codeSpan("a"), "`a`");
  assert.equal(codeSpan("src/a `b`.ts"), "``src/a `b`.ts``");
  assert.equal(codeSpan("a``b`"), "``` a``b` ```");
  assert.equal(codeSpan("``"), "``` `` ```");
});

Deno.test("codeSpan: padded when the text starts or ends with a backtick", () => {
  assert.equal(codeSpan("`a"), "`` `a ``");
  assert.equal(codeSpan(" ` "), "`` ` ``");
});

Deno.test("codeSpan: on one line, whitespace collapsed", () => {
  assert.equal(codeSpan("x\n\ty"), "`x y`");
  assert.equal(codeSpan("  a  "), "`a`");
  assert.equal(codeSpan(""), "``");
  // Markup inside is code, not markup; a pipe would still end a table cell.
  assert.equal(codeSpan("<b> @x | *y*"), "`<b> @x | *y*`");
});

Deno.test("codeFence: at least three backticks, longer than any run inside", () => {
  assert.equal(codeFence("a", "ts"), "```ts\na\n```");
  assert.equal(codeFence("```\nx\n```", "ts"), "````ts\n```\nx\n```\n````");
  assert.equal(codeFence("````x", "suggestion"), "`````suggestion\n````x\n`````");
  // A tilde fence inside does not close a backtick fence.
  assert.equal(codeFence("~~~\n", ""), "```\n~~~\n```");
});

Deno.test("codeFence: the content ends with one newline before the closing fence", () => {
  assert.equal(codeFence("a\n", "diff"), "```diff\na\n```");
  assert.equal(codeFence("", "suggestion"), "```suggestion\n```");
});
