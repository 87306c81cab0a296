import assert from "node:assert/strict";
import { codeFence, codeSpan } from "./code.ts";

Deno.test("codeSpan: one backtick more than the longest run inside, padded at a backtick", () => {
  const cases = [
    ["a", "`a`"],
    ["src/a `b`.ts", "``src/a `b`.ts``"],
    ["a``b`", "``` a``b` ```"],
    ["``", "``` `` ```"],
    ["`a", "`` `a ``"],
    [" ` ", "`` ` ``"],
    // One line, whitespace collapsed.
    ["x\n\ty", "`x y`"],
    ["  a  ", "`a`"],
    ["", "``"],
    // Markup inside is code, not markup; a pipe would still end a table cell.
    ["<b> @x | *y*", "`<b> @x | *y*`"],
  ];
  for (const [text, want] of cases) assert.equal(codeSpan(text), want, JSON.stringify(text));
});

Deno.test("codeFence: three backticks or one more than any run inside, one final newline", () => {
  const cases = [
    ["a", "ts", "```ts\na\n```"],
    ["a\n", "diff", "```diff\na\n```"],
    ["", "suggestion", "```suggestion\n```"],
    ["```\nx\n```", "ts", "````ts\n```\nx\n```\n````"],
    ["````x", "suggestion", "`````suggestion\n````x\n`````"],
    // A tilde fence inside does not close a backtick fence.
    ["~~~\n", "", "```\n~~~\n```"],
  ];
  for (const [content, info, want] of cases) {
    assert.equal(codeFence(content, info), want, JSON.stringify(content));
  }
});
