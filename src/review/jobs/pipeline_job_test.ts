import assert from "node:assert/strict";
import { testStores } from "../../../tests/stores.ts";
import { configYaml, EVAL_FINDING, reviewSteps, steps, withReviewWorld } from "./_test_world.ts";

for (const factory of testStores()) {
  Deno.test(`pipeline job [${factory.name}]: each run is stored; only the last resumes publish`, () =>
    withReviewWorld(
      factory,
      async (w) => {
        w.model.findings = [EVAL_FINDING];
        await w.requestReview();
        const runs = await w.runJobs();
        assert.deepEqual(steps(runs), reviewSteps(2));
        const [review] = (await w.reviews.listReviews()).reviews;
        const stored = await w.reviews.listPipelineRuns(review.id);
        assert.deepEqual(stored.map((r) => [r.pipeline, r.status, r.findings.length]), [
          ["quality", "succeeded", 1],
          ["style", "succeeded", 1],
        ]);
        assert.equal(review.findings, 1, "the same finding twice is one");
        assert.equal(review.llm_calls, 2);
      },
      configYaml("  - {name: style, prompt_file: builtin:quality, severity: info}\n"),
    ));
}
