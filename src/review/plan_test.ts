import assert from "node:assert/strict";
import { defaultRepoConfig } from "../repo_config/mod.ts";
import { planReview } from "./plan.ts";
import { collectReviewResult } from "./review_result.ts";
import { renderSummary } from "./summary.ts";
import { countTokens } from "./tokens.ts";

Deno.test("Azure DevOps diff time: a file too large to diff is listed in the summary as not reviewed", () => {
  const diff = "diff --git a/huge.sql b/huge.sql\n" +
    "Files a/huge.sql and b/huge.sql are too large to diff\n" +
    "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-x\n+y\n";
  const config = defaultRepoConfig({ baseUrl: "http://127.0.0.1:1/v1", model: "m" });
  const plan = planReview({
    diff,
    config,
    templates: Object.fromEntries(config.pipelines.map((p) => [p.name, "{{diff}}"])),
    change: { title: "", description: "", repo: "o/r", baseBranch: "main", headBranch: "f" },
  });
  assert.deepEqual(
    plan.notReviewed.filter((n) => n.path === "huge.sql").map((n) => n.reason),
    ["too_large_to_diff", "too_large_to_diff"],
    "left out of every pipeline",
  );
  for (const p of plan.pipelines) {
    for (const call of p.calls) assert.ok(!call.paths.includes("huge.sql"));
  }
  const summary = renderSummary(collectReviewResult(plan, [], config).summaryInput);
  assert.match(summary, /### Not reviewed/);
  assert.match(summary, /`huge\.sql`: too large for Loom to diff/);
});

Deno.test("team rules: instruction files go with every call of every pipeline, path instructions only with the chunk holding a file they match, a pipeline's own only with that pipeline", () => {
  const fileDiff = (path: string, lines: number) =>
    `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n@@ -0,0 +1,${lines} @@\n` +
    "+const value = compute(input);\n".repeat(lines);
  const base = defaultRepoConfig({ baseUrl: "http://127.0.0.1:1/v1", model: "m" });
  const config = {
    ...base,
    // A small window, so that each file is a call of its own.
    models: { default: { ...base.models.default, context_window: 4096, max_tokens: 500 } },
    path_instructions: [{
      path: "src/api/**",
      instructions: "API-RULE: handlers check the session.",
    }],
    pipelines: base.pipelines.map((p) =>
      p.name === "quality"
        ? { ...p, path_instructions: [{ path: "**/*.sql", instructions: "SQL-RULE: reversible." }] }
        : p
    ),
  };
  const plan = planReview({
    diff: fileDiff("src/api/users.ts", 150) + fileDiff("db/001.sql", 150) +
      fileDiff("README.md", 150),
    config,
    templates: Object.fromEntries(config.pipelines.map((p) => [p.name, "{{diff}}"])),
    change: { title: "", description: "", repo: "o/r", baseBranch: "main", headBranch: "f" },
    instructions: [{ path: "AGENTS.md", text: "TEAM-RULE: money is integer cents.\n" }],
  });
  const calls = plan.pipelines.flatMap((p) =>
    p.calls.map((c) => ({ pipeline: p.name, paths: c.paths, user: c.messages[1].content }))
  );
  assert.equal(calls.length, 6, "three files, one call each, in two pipelines");
  assert.ok(calls.every((c) => c.user.includes("TEAM-RULE: money is integer cents.")));
  const withRule = (rule: string) =>
    calls.filter((c) => c.user.includes(rule)).map((c) => `${c.pipeline}:${c.paths.join(",")}`)
      .sort();
  assert.deepEqual(withRule("API-RULE"), ["quality:src/api/users.ts", "security:src/api/users.ts"]);
  assert.deepEqual(withRule("SQL-RULE"), ["quality:db/001.sql"]);
  // The estimate counted the rules: no call is over what the model can take.
  for (const p of plan.pipelines) {
    for (const c of p.calls) {
      const sent = c.messages.reduce((n, m) => n + countTokens(m.content), 0);
      assert.ok(sent <= c.tokens && c.tokens <= 4096 - 500, `${sent} ${c.tokens}`);
    }
  }
});

Deno.test("team rules too large for a small model: the pipeline's error says how much the rules take and which keys bound them", () => {
  const base = defaultRepoConfig({ baseUrl: "http://127.0.0.1:1/v1", model: "m" });
  const config = {
    ...base,
    models: { default: { ...base.models.default, context_window: 2048, max_tokens: 500 } },
  };
  const plan = planReview({
    diff: "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1 @@\n-x\n+y\n",
    config,
    templates: Object.fromEntries(config.pipelines.map((p) => [p.name, "{{diff}}"])),
    change: { title: "", description: "", repo: "o/r", baseBranch: "main", headBranch: "f" },
    instructions: [{ path: "AGENTS.md", text: "Check every input carefully.\n".repeat(200) }],
  });
  for (const p of plan.pipelines) {
    assert.equal(p.calls.length, 0);
    assert.match(
      p.error ?? "",
      /leaves no room for a diff .*; the team's rules take about \d+ of those tokens \(review\.instructions_max_tokens, path_instructions\)$/,
    );
  }
});
