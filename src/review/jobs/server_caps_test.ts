import assert from "node:assert/strict";
import { testStores } from "../../../tests/stores.ts";
import { settingsOf } from "../../../tests/support/settings.ts";
import { configYaml, REPO, withReviewWorld } from "./_test_world.ts";

/** The operator's caps as the server runs them with no setting given (`LOOM_MAX_*` defaults). */
const CAPS = settingsOf({});

const GREEDY = configYaml(
  Array.from(
    { length: 99 },
    (_, i) => `  - {name: extra${i}, prompt_file: builtin:quality, severity: warning}\n`,
  ).join("") + "review: {max_llm_calls: 10000}\n",
);

for (const factory of testStores()) {
  Deno.test(
    `server caps [${factory.name}]: a config asking for 10,000 max_llm_calls and 100 pipelines is clamped and the summary says so`,
    () =>
      withReviewWorld(factory, async (w) => {
        // Assigned, not typed in: the caps are what this test is about.
        Object.assign(w.deps, { caps: CAPS });
        await w.requestReview();
        await w.runJobs();
        const [review] = (await w.reviews.listReviews()).reviews;
        assert.equal(review.status, "succeeded");
        assert.equal((await w.reviews.listPipelineRuns(review.id)).length, 10);
        assert.equal(w.model.calls, 10, "one call per pipeline that ran, ten at most");
        const summary = (w.git.comments(REPO, 1).find((c) => c.kind === "summary")?.body ?? "")
          .replaceAll("\\_", "_"); // Markdown escapes: compare the text a reader sees.
        assert.match(summary, /Clamped to this server's limits/);
        assert.match(summary, /review\.max_llm_calls 10000 lowered to 50 \(LOOM_MAX_LLM_CALLS\)/);
        assert.match(summary, /100 pipelines enabled, the first 10 run \(LOOM_MAX_PIPELINES\)/);
      }, GREEDY),
  );
}
