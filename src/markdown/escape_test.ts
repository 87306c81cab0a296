import assert from "node:assert/strict";
import { escapeBody, escapeInline } from "./escape.ts";

const ZWSP = "\u200B";

Deno.test("escapeInline: mentions of users, teams and everyone are defused", () => {
  assert.equal(escapeInline("ask @octocat"), `ask @${ZWSP}octocat`);
  assert.equal(escapeInline("@org/team"), `@${ZWSP}org/team`);
  assert.equal(escapeInline("(@everyone)"), `(@${ZWSP}everyone)`);
  assert.equal(escapeInline("\\@everyone"), `\\\\@${ZWSP}everyone`);
  // Not mentions: an address, a doubled @, an @ after a word character.
  for (const text of ["a@b.com", "@@x", "x@y"]) assert.equal(escapeInline(text), text);
});

Deno.test("escapeInline: HTML and autolinks become text", () => {
  assert.equal(
    escapeInline("<img src=x onerror=alert(1)>"),
    "&lt;img src=x onerror=alert(1)&gt;",
  );
  assert.equal(escapeInline("<details><summary>x"), "&lt;details&gt;&lt;summary&gt;x");
  assert.equal(escapeInline("<!-- hide -->"), "&lt;!-- hide --&gt;");
  assert.equal(escapeInline("<https://evil.example>"), "&lt;https://evil.example&gt;");
  // An entity the model wrote shows as written, not as the character it names.
  assert.equal(escapeInline("&lt;b&gt; &#64;x"), "&amp;lt;b&amp;gt; &amp;\\#64;x");
});

Deno.test("escapeInline: markdown syntax is escaped, so the text stays plain", () => {
  assert.equal(escapeInline("# Heading"), "\\# Heading");
  assert.equal(escapeInline("*emph* _em_ ~~del~~"), "\\*emph\\* \\_em\\_ \\~\\~del\\~\\~");
  assert.equal(escapeInline("[click](https://evil.example)"), "\\[click\\](https://evil.example)");
  assert.equal(escapeInline("![img](https://e/x.png)"), "!\\[img\\](https://e/x.png)");
  assert.equal(escapeInline("`code` ``a`b``"), "\\`code\\` \\`\\`a\\`b\\`\\`");
  assert.equal(escapeInline("`unbalanced"), "\\`unbalanced");
  assert.equal(escapeInline("\\*"), "\\\\\\*");
  assert.equal(escapeInline("> quote"), "&gt; quote");
  // Left alone: not markup in the middle of a line, and a bare URL (platforms link it).
  for (const text of ["- item", "1. item", "---", "https://evil.example"]) {
    assert.equal(escapeInline(text), text);
  }
});

Deno.test("escapeInline: one line, safe in a table cell", () => {
  assert.equal(escapeInline("  line1\n\nline2\t| x  "), "line1 line2 \\| x");
  assert.equal(escapeInline("a|b"), "a\\|b");
});

Deno.test("escapeBody: mentions and raw HTML in prose are defused, markdown kept", () => {
  assert.equal(
    escapeBody("Ping @octocat and @org/team.</details><!-- x"),
    `Ping @${ZWSP}octocat and @${ZWSP}org/team.&lt;/details>&lt;!-- x`,
  );
  assert.equal(escapeBody("<img src=x onerror=alert(1)>"), "&lt;img src=x onerror=alert(1)>");
  assert.equal(escapeBody("<details>\n\n@x"), `&lt;details>\n\n@${ZWSP}x`);
  assert.equal(escapeBody("<https://evil.example>"), "&lt;https://evil.example>");
  assert.equal(escapeBody("&lt;b&gt; &amp;"), "&amp;lt;b&amp;gt; &amp;amp;");
  assert.equal(escapeBody("> @x <b>"), `> @${ZWSP}x &lt;b>`);
  assert.equal(escapeBody("*@x* **@y**"), `*@${ZWSP}x* **@${ZWSP}y**`);
  // The model's markdown stays markdown: headings, links, tables, emphasis, bare URLs.
  for (
    const text of [
      "# Heading",
      "[click](https://evil.example)",
      "![img](https://e/x.png)",
      "| a | b |\n| - | - |",
      "*emph* _em_ ~~del~~",
      "https://evil.example",
      "a@b.com x@y @@z",
    ]
  ) {
    assert.equal(escapeBody(text), text);
  }
  assert.equal(escapeBody("| a | @b |"), `| a | @${ZWSP}b |`);
});

Deno.test("escapeBody: code spans are left as written, balanced or nested", () => {
  for (const text of ["`@user`", "`<img>`", "`` ` @x ` ``", "``x`` `<b>`", "```@x```"]) {
    assert.equal(escapeBody(text), text);
  }
  assert.equal(escapeBody("`a`@x`b`"), `\`a\`@${ZWSP}x\`b\``);
  // An unbalanced backtick opens nothing: what follows is prose and is escaped.
  assert.equal(escapeBody("x`<b> @y"), `x\`&lt;b> @${ZWSP}y`);
  assert.equal(escapeBody("`unbalanced"), "`unbalanced");
  // An escaped backslash does not escape the backtick after it: that span is code.
  assert.equal(escapeBody("\\\\`@x`"), "\\\\`@x`");
});

Deno.test("escapeBody: fenced code is kept as written, and a fence left open is closed", () => {
  assert.equal(escapeBody("```\n@x <b>\n"), "```\n@x <b>\n```");
  assert.equal(escapeBody("~~~\n@x\n~~~\n@y"), `~~~\n@x\n~~~\n@${ZWSP}y`);
  assert.equal(escapeBody("``` js\n@x\n```\n<b>"), "``` js\n@x\n```\n&lt;b>");
  // A shorter fence or the other fence character does not close a fence.
  assert.equal(escapeBody("````\n```\n@x\n````\n@y"), `\`\`\`\`\n\`\`\`\n@x\n\`\`\`\`\n@${ZWSP}y`);
  assert.equal(escapeBody("~~~~\n~~~\n@x"), "~~~~\n~~~\n@x\n~~~~");
  assert.equal(escapeBody("```\n@x\n~~~\n@y"), "```\n@x\n~~~\n@y\n```");
  // Up to three spaces of indentation still make a fence.
  assert.equal(escapeBody("a\n   ```\n@x"), "a\n   ```\n@x\n```");
  // Backticks in a backtick fence's info string make it inline code, not a fence.
  assert.equal(escapeBody("```a`b\n@x"), `\`\`\`a\`b\n@${ZWSP}x`);
  assert.equal(escapeBody("``` ```\n@x"), `\`\`\` \`\`\`\n@${ZWSP}x`);
  // Four spaces are indented code, not a fence.
  assert.equal(escapeBody("a\n    ```\n@x"), `a\n    \`\`\`\n@${ZWSP}x`);
});

Deno.test("escapeBody: line endings become \\n and the body is trimmed", () => {
  assert.equal(escapeBody("\n\ntext\r\n@x\r\n\n"), `text\n@${ZWSP}x`);
  assert.equal(escapeBody("a\rb"), "a\nb");
  assert.equal(escapeBody("  \n "), "");
});

// Issue 10 (hardening): in markdown a backslash before a backtick makes it a literal backtick, so
// what escapeBody takes for a code span and leaves alone is prose on the platform.
Deno.test({
  name: "gap (issue 10): a backslash-escaped backtick lets a mention through escapeBody",
  ignore: true,
  fn() {
    assert.ok(!escapeBody("\\`@everyone`").includes("@everyone"));
  },
});

Deno.test({
  name: "gap (issue 10): a backslash-escaped backtick lets raw HTML through escapeBody",
  ignore: true,
  fn() {
    assert.ok(!escapeBody("\\`<img src=x onerror=alert(1)>`").includes("<img"));
  },
});

// Issue 10 (hardening): trimming the body removes the first line's indentation, which turns an
// indented code line of backticks into a fence that is then never closed and swallows what the
// comment says after the body (the suggestion).
Deno.test({
  name: "gap (issue 10): a first line of four-space-indented backticks becomes an open fence",
  ignore: true,
  fn() {
    const out = escapeBody("    ```\n@x");
    assert.ok(!out.startsWith("```") || out.endsWith("\n```"), JSON.stringify(out));
  },
});
