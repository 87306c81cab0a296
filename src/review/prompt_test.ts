import assert from "node:assert/strict";
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
  for (const field of ["path", "line", "end_line", "severity", "title", "body", "suggestion"]) {
    assert.ok(RESPONSE_CONTRACT.includes(`"${field}"`), field);
  }
  assert.ok(RESPONSE_CONTRACT.includes('{"findings":[]}'));
  const example = RESPONSE_CONTRACT.split("\n").find((l) => l.startsWith('{"findings":[{'));
  assert.ok(example);
  const parsed = JSON.parse(example);
  assert.deepEqual(Object.keys(parsed.findings[0]), [
    "path",
    "line",
    "end_line",
    "severity",
    "title",
    "body",
    "suggestion",
  ]);
});

Deno.test("buildMessages puts the contract in the system message and the prompt in the user one", () => {
  const messages = buildMessages("Check {{pr_title}}.\n{{diff}}", vars);
  assert.deepEqual(messages.map((m) => m.role), ["system", "user"]);
  assert.ok(messages[0].content.endsWith(RESPONSE_CONTRACT));
  assert.ok(!messages[0].content.includes("Fix login"), "system prompt is the same for every PR");
  assert.ok(messages[1].content.startsWith(`Check Fix login.\n${vars.diff}\n\n`));
  assert.match(messages[1].content, /Answer only with the JSON object/);
});
