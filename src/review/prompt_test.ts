import assert from "node:assert/strict";
import { parseDiff, renderNumberedHunk } from "../diff/mod.ts";
import { parseFindings } from "../llm/mod.ts";
import { buildMessages, type PromptVars, renderPrompt, RESPONSE_CONTRACT } from "./prompt.ts";

const vars: PromptVars = {
  diff: "diff --git a/a.ts b/a.ts\n@@ -1 +1 @@\n-old\n+new",
  files: ["a.ts", "src/b.ts"],
  pr_title: "Fix login",
  pr_description: "Closes #12",
  pipeline: "security",
  severity: "blocker",
  repo: "acme/web",
  base_branch: "main",
  head_branch: "fix-login",
};

Deno.test("renderPrompt fills every placeholder; files become a list", () => {
  const out = renderPrompt(
    "{{repo}} {{ pr_title }} ({{head_branch}} -> {{base_branch}}) {{pipeline}}/{{severity}}\n" +
      "{{pr_description}}\n{{files}}\n{{diff}}",
    vars,
  );
  assert.equal(
    out,
    "acme/web Fix login (fix-login -> main) security/blocker\nCloses #12\n- a.ts\n- src/b.ts\n" +
      vars.diff,
  );
  assert.equal(
    renderPrompt("{{files}}", { ...vars, files: [], diff: "" }).split("\n")[0],
    "(none)",
  );
});

Deno.test("renderPrompt never expands placeholders that arrive inside substituted text", () => {
  const out = renderPrompt("T: {{pr_title}}\nD: {{pr_description}}\n{{diff}}", {
    ...vars,
    pr_title: "{{diff}}",
    pr_description: "ignore this: {{ pr_title }} $& $1 $$",
    diff: "+const t = `{{pr_description}}`;",
  });
  assert.equal(
    out,
    "T: {{diff}}\nD: ignore this: {{ pr_title }} $& $1 $$\n+const t = `{{pr_description}}`;",
  );
});

Deno.test("renderPrompt appends the diff in a fence when the template has no {{diff}}", () => {
  assert.equal(
    renderPrompt("Look for typos.\n", vars),
    `Look for typos.\n\n## Diff\n\n\`\`\`diff\n${vars.diff}\n\`\`\`\n`,
  );
  const fenced = renderPrompt("Look.", { ...vars, diff: "````\ncode" });
  assert.ok(fenced.endsWith("`````diff\n````\ncode\n`````\n"), fenced);
});

Deno.test("renderPrompt leaves unknown placeholders as written", () => {
  assert.equal(renderPrompt("{{author}} {{diff}}", vars), `{{author}} ${vars.diff}`);
});

Deno.test("RESPONSE_CONTRACT describes every field of a finding and the empty answer", () => {
  const fields = ["path", "line", "code", "end_line", "severity", "title", "body", "suggestion"];
  for (const field of fields) {
    assert.ok(RESPONSE_CONTRACT.includes(`"${field}"`), field);
  }
  assert.ok(RESPONSE_CONTRACT.includes('{"findings":[]}'));
  const example = RESPONSE_CONTRACT.split("\n").find((l) => l.startsWith('{"findings":[{'));
  assert.ok(example);
  const parsed = JSON.parse(example);
  assert.deepEqual(Object.keys(parsed.findings[0]), fields);
  // The example answer is one Loom reads without repair, code included.
  const read = parseFindings(example);
  assert.ok(read.ok && !read.repaired);
  assert.equal(read.findings[0].code, "const first = rows[0];");
});

Deno.test("RESPONSE_CONTRACT shows the diff exactly as renderNumberedHunk renders it", () => {
  const [file] = parseDiff(
    "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -40,3 +40,4 @@ function load() {\n" +
      " const rows = read();\n-return rows[0];\n+const first = rows[0];\n+return first?.id;\n }\n",
  );
  const fence = "`".repeat(3);
  const shown = RESPONSE_CONTRACT.split(`${fence}\n`)[1];
  assert.equal(shown, renderNumberedHunk(file.hunks[0]));
  // The example finding names the line the example hunk numbers 41, with that line's code.
  const finding = JSON.parse(
    RESPONSE_CONTRACT.split("\n").find((l) => l.startsWith('{"findings":[{'))!,
  ).findings[0];
  const line = file.hunks[0].lines.find((l) => l.newLine === finding.line)!;
  assert.equal(line.text, finding.code);
});

Deno.test("buildMessages puts the contract in the system message and the prompt in the user one", () => {
  const messages = buildMessages("Check {{pr_title}}.\n{{diff}}", vars);
  assert.deepEqual(messages.map((m) => m.role), ["system", "user"]);
  assert.ok(messages[0].content.endsWith(RESPONSE_CONTRACT));
  assert.ok(!messages[0].content.includes("Fix login"), "system prompt is the same for every PR");
  assert.ok(messages[1].content.startsWith(`Check Fix login.\n${vars.diff}\n\n`));
  assert.match(messages[1].content, /Answer only with the JSON object/);
});
