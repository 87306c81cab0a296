import assert from "node:assert/strict";
import { escapeBody, escapeInline } from "./escape.ts";
import { INJECTIONS } from "../../tests/support/injection_corpus.ts";
import { injections } from "../../tests/support/rendered_markdown.ts";

const ZWSP = "\u200B";

/** Each case is [model text, what the function makes of it]; `same` lists texts kept as they are. */
function expect(
  escape: (text: string) => string,
  cases: readonly (readonly [string, string])[],
  same: readonly string[] = [],
): void {
  for (const [text, want] of [...cases, ...same.map((t) => [t, t] as const)]) {
    assert.equal(escape(text), want, JSON.stringify(text));
  }
}

Deno.test("escapeInline: mentions of users, teams and everyone are defused", () => {
  // Not mentions: an address, a doubled @, an @ after a word character.
  expect(escapeInline, [
    ["ask @octocat", `ask @${ZWSP}octocat`],
    ["@org/team", `@${ZWSP}org/team`],
    ["(@everyone)", `(@${ZWSP}everyone)`],
    ["\\@everyone", `\\\\@${ZWSP}everyone`],
  ], ["a@b.com", "@@x", "x@y"]);
});

Deno.test("escapeInline: HTML and autolinks become text", () => {
  expect(escapeInline, [
    ["<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"],
    ["<details><summary>x", "&lt;details&gt;&lt;summary&gt;x"],
    ["<!-- hide -->", "&lt;!-- hide --&gt;"],
    ["<https://evil.example>", "&lt;https://evil.example&gt;"],
    // An entity the model wrote shows as written, not as the character it names.
    ["&lt;b&gt; &#64;x", "&amp;lt;b&amp;gt; &amp;\\#64;x"],
  ]);
});

Deno.test("escapeInline: markdown syntax is escaped, so the text stays plain", () => {
  // Left alone: what is not markup in the middle of a line, and a bare URL (platforms link it).
  expect(escapeInline, [
    ["# Heading", "\\# Heading"],
    ["*emph* _em_ ~~del~~", "\\*emph\\* \\_em\\_ \\~\\~del\\~\\~"],
    ["[click](https://evil.example)", "\\[click\\](https://evil.example)"],
    ["![img](https://e/x.png)", "!\\[img\\](https://e/x.png)"],
    ["`code` ``a`b``", "\\`code\\` \\`\\`a\\`b\\`\\`"],
    ["`unbalanced", "\\`unbalanced"],
    ["\\*", "\\\\\\*"],
    ["> quote", "&gt; quote"],
  ], ["- item", "1. item", "---", "https://evil.example"]);
});

Deno.test("escapeInline: one line, safe in a table cell", () => {
  expect(escapeInline, [["  line1\n\nline2\t| x  ", "line1 line2 \\| x"], ["a|b", "a\\|b"]]);
});

Deno.test("escapeBody: mentions and raw HTML in prose are defused, markdown kept", () => {
  // The model's markdown stays markdown: headings, links, tables, emphasis, bare URLs.
  expect(escapeBody, [
    [
      "Ping @octocat and @org/team.</details><!-- x",
      `Ping @${ZWSP}octocat and @${ZWSP}org/team.&lt;/details>&lt;!-- x`,
    ],
    ["<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)>"],
    ["<details>\n\n@x", `&lt;details>\n\n@${ZWSP}x`],
    ["<https://evil.example>", "&lt;https://evil.example>"],
    ["&lt;b&gt; &amp;", "&amp;lt;b&amp;gt; &amp;amp;"],
    ["> @x <b>", `> @${ZWSP}x &lt;b>`],
    ["*@x* **@y**", `*@${ZWSP}x* **@${ZWSP}y**`],
    ["| a | @b |", `| a | @${ZWSP}b |`],
  ], [
    "# Heading",
    "[click](https://evil.example)",
    "![img](https://e/x.png)",
    "| a | b |\n| - | - |",
    "*emph* _em_ ~~del~~",
    "https://evil.example",
    "a@b.com x@y @@z",
  ]);
});

Deno.test("escapeBody: code spans are left as written, balanced or nested", () => {
  // An unbalanced backtick opens nothing: what follows is prose and is escaped. An escaped
  // backslash does not escape the backtick after it, so `\\` then a span is code. The unbalanced
  // backtick is written escaped (it shows the same) so that it cannot pair with one on a later line.
  expect(escapeBody, [
    ["`a`@x`b`", `\`a\`@${ZWSP}x\`b\``],
    ["x`<b> @y", `x\\\`&lt;b> @${ZWSP}y`],
    ["`unbalanced", "\\`unbalanced"],
  ], ["`@user`", "`<img>`", "`` ` @x ` ``", "``x`` `<b>`", "```@x```", "\\\\`@x`"]);
});

Deno.test("escapeBody: a code span is kept only where the platform is sure to read one", () => {
  // Elsewhere its backticks are escaped and its content is prose: in a table row (the cell ends at
  // the `|` first), after a link tail that may run past it, glued to a URL an autolink runs
  // through, or after a link label that may hold its opening backtick. An unpaired backtick on one
  // line, written escaped, cannot pair with one on the next.
  expect(escapeBody, [
    ["| `<b> | @y` |", `| \\\`&lt;b> | @${ZWSP}y\\\` |`],
    ['[a](/u ")`") `<b>`', '[a](/u ")\\`") \\`&lt;b>\\`'],
    ["see https://x/`<b>`", "see https://x/\\`&lt;b>\\`"],
    ["[x][`] @y `", `[x][\\\`] @${ZWSP}y \\\``],
    ["x `\n`@y` z`", "x \\`\n`@y` z\\`"],
  ], ["[a](/u) `<b>`", "`a]` [b][c]"]);
});

Deno.test("escapeBody: fenced code is kept as written, and a fence left open is closed", () => {
  expect(escapeBody, [
    ["```\n@x <b>\n", "```\n@x <b>\n```"],
    ["~~~\n@x\n~~~\n@y", `~~~\n@x\n~~~\n@${ZWSP}y`],
    ["``` js\n@x\n```\n<b>", "``` js\n@x\n```\n&lt;b>"],
    // A shorter fence or the other fence character does not close a fence.
    ["````\n```\n@x\n````\n@y", `\`\`\`\`\n\`\`\`\n@x\n\`\`\`\`\n@${ZWSP}y`],
    ["~~~~\n~~~\n@x", "~~~~\n~~~\n@x\n~~~~"],
    ["```\n@x\n~~~\n@y", "```\n@x\n~~~\n@y\n```"],
    // Up to three spaces of indentation still make a fence; four are indented code. The fence is
    // written at the left margin: indented, it could sit in a list item the prose opened, which a
    // less indented line ends, turning the rest of the block into prose.
    ["a\n   ```\n@x", "a\n```\n@x\n```"],
    ["- a\n\n   ```\n@x\n   ```", "- a\n\n```\n@x\n```"],
    // (Unpaired backticks on a prose line are written escaped; they show the same.)
    ["a\n    ```\n@x", `a\n    \\\`\\\`\\\`\n@${ZWSP}x`],
    // Backticks in a backtick fence's info string make it inline code, not a fence.
    ["```a`b\n@x", `\\\`\\\`\\\`a\\\`b\n@${ZWSP}x`],
    ["``` ```\n@x", `\`\`\` \`\`\`\n@${ZWSP}x`],
  ]);
});

Deno.test("escapeBody: line endings become \\n and the body is trimmed", () => {
  expect(escapeBody, [["\n\ntext\r\n@x\r\n\n", `text\n@${ZWSP}x`], ["a\rb", "a\nb"], [
    "  \n ",
    "",
  ]]);
});

// Issue 10 (hardening): in markdown a backslash before a backtick makes it a literal backtick, so
// what escapeBody takes for a code span and leaves alone is prose on the platform.
Deno.test({
  name: "gap (issue 10): a backslash-escaped backtick lets a mention through escapeBody",
  fn() {
    assert.ok(!escapeBody("\\`@everyone`").includes("@everyone"));
  },
});

Deno.test({
  name: "gap (issue 10): a backslash-escaped backtick lets raw HTML through escapeBody",
  fn() {
    assert.ok(!escapeBody("\\`<img src=x onerror=alert(1)>`").includes("<img"));
  },
});

// Issue 10 (hardening): trimming the body removes the first line's indentation, which turns an
// indented code line of backticks into a fence that is then never closed and swallows what the
// comment says after the body (the suggestion).
Deno.test({
  name: "gap (issue 10): a first line of four-space-indented backticks becomes an open fence",
  fn() {
    const out = escapeBody("    ```\n@x");
    assert.ok(!out.startsWith("```") || out.endsWith("\n```"), JSON.stringify(out));
  },
});

// Issue 10, item 3: each hostile text, escaped and rendered by a real CommonMark renderer, keeps
// no live mention outside code and no HTML element CommonMark does not write for markdown.
Deno.test("mention and HTML injection: nothing in the corpus survives escapeBody, rendered", () => {
  for (const text of INJECTIONS) {
    const out = escapeBody(text);
    assert.deepEqual(injections(out), [], `${JSON.stringify(text)} → ${JSON.stringify(out)}`);
  }
});

Deno.test("mention and HTML injection: nothing in the corpus survives escapeInline, rendered", () => {
  for (const text of INJECTIONS) {
    const out = escapeInline(text);
    assert.deepEqual(injections(out), [], `${JSON.stringify(text)} → ${JSON.stringify(out)}`);
    // In a table cell, bold, or a list item, as Loom writes it.
    for (const wrapped of [`| ${out} |\n| - |\n| ${out} |`, `**${out}**`, `- x: ${out}`]) {
      assert.deepEqual(injections(wrapped), [], JSON.stringify(wrapped));
    }
  }
});

Deno.test("mention and HTML injection: the corpus's texts inject when written unescaped", () => {
  // So the check sees what it must. Not these: they inject only in a context Loom writes (inside
  // its backticks), in renderers other than markdown-it (GitHub's autolinks and link labels), or
  // are there to show escaping leaves nothing half-done (an entity, a trailing backslash, code).
  const contextOnly = new Set([
    "a\\",
    "a` <img src=x onerror=alert(1)> @everyone `b",
    "&lt;img src=x onerror=alert(1)&gt;",
    "[x][`] @y `\n\n[`]: /u",
    "www.x.com/`<img src=x>`",
    "https://x.example/`<img src=x>`",
    "```\n@x <b>",
  ]);
  for (const text of INJECTIONS.filter((t) => !contextOnly.has(t))) {
    assert.notDeepEqual(injections(text), [], JSON.stringify(text));
  }
});
