import assert from "node:assert/strict";
import { defaultRepoConfig } from "../repo_config/mod.ts";
import { planReview } from "./plan.ts";
import { collectReviewResult } from "./review_result.ts";
import { renderSummary } from "./summary.ts";

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
