import assert from "node:assert/strict";
import {
  fillPlaceholders,
  findPlaceholders,
  KNOWN_PLACEHOLDERS,
  validateTemplate,
} from "./placeholders.ts";

Deno.test("findPlaceholders reports names and positions, allowing inner whitespace", () => {
  assert.deepEqual(findPlaceholders("Title: {{ pr_title }}\n\n  {{diff}} {{pr-title}}"), [
    { name: "pr_title", line: 1, col: 8 },
    { name: "diff", line: 3, col: 3 },
    { name: "pr-title", line: 3, col: 12 },
  ]);
  assert.deepEqual(findPlaceholders("no placeholders, {single} braces, {{ }}"), []);
});

Deno.test("validateTemplate reports each unknown placeholder at its line and column", () => {
  const errors = validateTemplate("# Review\n{{diff}}\nBy {{ author }} on {{branch}}", "p.md");
  assert.deepEqual(errors.map((e) => [e.file, e.line, e.col]), [["p.md", 3, 4], ["p.md", 3, 20]]);
  assert.match(errors[0].message, /^unknown placeholder \{\{author\}\}; known placeholders are /);
  assert.ok(errors[0].message.includes("{{pr_description}}"));
});

Deno.test("validateTemplate accepts every known placeholder", () => {
  const template = KNOWN_PLACEHOLDERS.map((p) => `{{${p}}}`).join("\n");
  assert.deepEqual(validateTemplate(template, "p.md"), []);
});

Deno.test("fillPlaceholders fills known names once and leaves unknown ones as written", () => {
  const values = Object.fromEntries(KNOWN_PLACEHOLDERS.map((p) => [p, `<${p}>`])) as Record<
    typeof KNOWN_PLACEHOLDERS[number],
    string
  >;
  assert.equal(
    fillPlaceholders("{{ diff }} {{author}} {{pr_title}}", { ...values, diff: "{{pr_title}} $&" }),
    "{{pr_title}} $& {{author}} <pr_title>",
  );
});
