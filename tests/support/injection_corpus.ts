/**
 * Hostile text a model (or a repository's config) may put where Loom writes markdown: every
 * platform's mention syntax, raw HTML, autolinks, entities, backslash escapes, unbalanced and
 * nested backticks, and fences and links that could move where code ends. Checked with
 * `injections` (`rendered_markdown.ts`) after escaping and rendering.
 * @module
 */

const GUID = "6A7B0C1D-0000-4000-8000-000000000000";

/** Each a text that, written unescaped, mentions someone or opens HTML. */
export const INJECTIONS: readonly string[] = [
  // Mentions, as each platform spells them.
  "ping @octocat",
  "@org/team please",
  "(@everyone)",
  "cc @all and @here",
  "hey @{557058:0a1b2c3d-aaaa-bbbb-cccc-0123456789ab}",
  `hey @<${GUID}>`,
  "_a_@x **b**@y *@z*",
  "line\n@x",
  // Backslash escapes: a literal backtick opens no code span.
  "\\`@everyone`",
  "\\`<img src=x onerror=alert(1)>`",
  "\\\\\\`@everyone`",
  "\\@everyone \\<b> \\&#64;x",
  "a\\",
  // Unbalanced and nested backticks, and backticks pairing across lines.
  "`@x",
  "``@x` <img src=x>`",
  "`@x`` <img src=x>``",
  "`` `@x` `` `` ` `` @y",
  "x `\n`@y` z`",
  "x `\n`<img src=x>` z`",
  "# `a\n@x` `<img src=x>`",
  "a` <img src=x onerror=alert(1)> @everyone `b",
  // HTML, comments, autolinks and entities.
  "<img src=x onerror=alert(1)>",
  "<details><summary>x",
  "</details><!-- hide",
  "<script>alert(1)</script>",
  "<div>\n\n@x\n\n</div>",
  "<?php ?> <![CDATA[x]]> <x-y z>",
  "<https://evil.example> <mailto:a@b.c> <x@y.z>",
  "&#64;everyone &commat;here &#x40;all",
  "&lt;img src=x onerror=alert(1)&gt;",
  // Table cells split before code spans are read.
  "| a |\n| - |\n| `<img src=x> | @y` |",
  // Link destinations and titles, and labels, hold backticks that are not code.
  '[a](/u ")`") <img src=x>`',
  "[a](`) `<img src=x>` @y",
  '![i](/x.png "`") `<b>` @y',
  "[x][`] @y `\n\n[`]: /u",
  // GFM autolinks run through backticks.
  "www.x.com/`<img src=x>`",
  "https://x.example/`<img src=x>`",
  // Fences: indented, in list items and quotes, left open, or closed by less than they opened.
  "```\n@x <b>",
  "    ```\n@x",
  "- a\n\n   ```\n@x <img src=x>",
  "- ```\n   ```\n@y <img src=x>\n   ```",
  "- a\n\n  ```\n  x\n    ```\n  @y <img src=x>",
  "> ```\n@x <img src=x>",
  "~~~\n@x\n~~~\n<img src=x>",
  "````\n```\n<img>\n````\n@y",
  "```a`b\n<img src=x>",
  "1. Do:\n   ```ts\n   a < b && @c\n   ```\n2. @d <img src=x>",
];
