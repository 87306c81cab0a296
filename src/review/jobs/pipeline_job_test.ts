import assert from "node:assert/strict";
import { testStores } from "../../../tests/stores.ts";
import {
  chatCompletion,
  configYaml,
  EVAL_FINDING,
  reviewSteps,
  steps,
  withReviewWorld,
} from "./_test_world.ts";

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

function completion(content: unknown): Response {
  return Response.json(chatCompletion(content));
}

function bodyOf(init: RequestInit | undefined): string {
  return typeof init?.body === "string" ? init.body : "";
}

const NITPICK = { ...EVAL_FINDING, title: "Name b better", body: "b is a poor name." };

for (const factory of testStores()) {
  Deno.test(`pipeline job [${factory.name}]: a finding the second look scores low is not posted, but stored with its score`, () =>
    withReviewWorld(
      factory,
      async (w) => {
        w.deps.fetch = (_input, init) => {
          const body = bodyOf(init);
          return Promise.resolve(
            body.includes("Score these")
              ? completion({ scores: [{ id: 1, score: 9 }, { id: 2, score: 1, reason: "a nit" }] })
              : completion({ findings: [EVAL_FINDING, NITPICK] }),
          );
        };
        await w.requestReview();
        await w.runJobs();

        const posted = w.git.comments({ platform: "memory", fullName: "octo/app" }, 1);
        const inline = posted.filter((c) => c.kind === "inline");
        assert.equal(inline.length, 1);
        assert.match(inline[0].body, /eval of input/);
        const summary = posted.find((c) => c.kind === "summary")!.body;
        assert.doesNotMatch(summary, /Name b better/);
        assert.match(summary, /1 finding scored under 5 of 10 was dropped/);

        // What the admin API's GET /api/reviews/:id lists for the pipeline.
        const [review] = (await w.reviews.listReviews()).reviews;
        const [run] = await w.reviews.listPipelineRuns<Record<string, unknown>>(review.id);
        assert.deepEqual(
          run.findings.map((f) => [f.title, f.dropped ?? false, f.score]),
          [["eval of input", false, 9], ["Name b better", true, 1]],
        );
        assert.equal(review.findings, 1);
        // The review's and the second look's tokens are both counted.
        assert.equal(review.llm_calls, 2);
        assert.equal(review.prompt_tokens, 200);
      },
      configYaml().replace("severity: warning", "severity: blocker"),
    ));

  Deno.test(`pipeline job [${factory.name}]: fallbacks are asked only on the pipeline's last attempt`, () =>
    withReviewWorld(
      factory,
      async (w) => {
        const asked: string[] = [];
        w.deps.policy = { ...w.deps.policy, allowedBaseUrls: ["http://backup.test/v1"] };
        w.deps.fetch = (input) => {
          const url = String(input instanceof Request ? input.url : input);
          asked.push(new URL(url).host);
          return Promise.resolve(
            url.startsWith("http://backup.test")
              ? completion({ findings: [EVAL_FINDING] })
              : Response.json({ error: { message: "overloaded" } }, { status: 503 }),
          );
        };
        await w.requestReview();
        const runs = await w.runJobs();

        assert.deepEqual(asked, ["model.test", "model.test", "model.test", "backup.test"]);
        assert.deepEqual(
          runs.filter((r) => r.kind === "pipeline").map((r) => r.outcome),
          ["failed", "failed", "succeeded"],
        );
        const posted = w.git.comments({ platform: "memory", fullName: "octo/app" }, 1);
        assert.equal(posted.filter((c) => c.kind === "inline").length, 1);
        const summary = posted.find((c) => c.kind === "summary")!.body;
        assert.match(
          summary,
          /answered by fallback model `backup \(small-model\)` after `default \(fake-model\)` failed \(.*HTTP 503/,
        );
        const [review] = (await w.reviews.listReviews()).reviews;
        const [run] = await w.reviews.listPipelineRuns(review.id);
        assert.deepEqual(run.answeredBy, ["backup (small-model)"]);
      },
      `models:
  default: {base_url: http://model.test/v1, model: fake-model}
  backup: {base_url: http://backup.test/v1, model: small-model}
pipelines:
  - {name: quality, prompt_file: builtin:quality, severity: warning, fallback: [backup]}
`,
    ));
}

for (const factory of testStores()) {
  Deno.test(`pipeline job [${factory.name}]: requests of a run the queue retries are still recorded, priced`, () =>
    withReviewWorld(
      factory,
      async (w) => {
        w.deps.cost = { prices: { "fake-model": { input: 1, output: 10 } } };
        let n = 0;
        w.deps.fetch = () => {
          n++;
          // Attempt 1: an answer that is no JSON (paid for), then a 503 on the re-ask; the job
          // goes back to the queue. Attempt 2 answers.
          if (n === 1) return Promise.resolve(completion("I found nothing, sorry."));
          if (n === 2) {
            return Promise.resolve(Response.json({ error: { message: "busy" } }, { status: 503 }));
          }
          return Promise.resolve(completion({ findings: [EVAL_FINDING] }));
        };
        await w.requestReview();
        const runs = await w.runJobs();
        assert.deepEqual(
          runs.filter((r) => r.kind === "pipeline").map((r) => r.outcome),
          ["failed", "succeeded"],
        );
        const [review] = (await w.reviews.listReviews()).reviews;
        const usage = await w.reviews.usageOfReview(review.id);
        assert.deepEqual(usage.map((u) => [u.pipeline, u.model, u.kind, u.calls]), [
          ["quality", "fake-model", "review", 2],
        ]);
        // 200 prompt tokens at $1/M and 40 completion tokens at $10/M.
        assert.equal(usage[0].costUsd, 0.0006);
        const summary = w.git.comments({ platform: "memory", fullName: "octo/app" }, 1)
          .find((c) => c.kind === "summary")!.body;
        assert.match(summary, /^Cost: 240 tokens, \$0\.0006$/m);
      },
    ));
}

for (const factory of testStores()) {
  Deno.test(`publish [${factory.name}]: review.show_cost false hides the cost line; the cost is still stored`, () =>
    withReviewWorld(
      factory,
      async (w) => {
        w.deps.cost = { prices: { "fake-model": { input: 1, output: 10 } } };
        w.model.findings = [EVAL_FINDING];
        await w.requestReview();
        await w.runJobs();
        const summary = w.git.comments({ platform: "memory", fullName: "octo/app" }, 1)
          .find((c) => c.kind === "summary")!.body;
        assert.doesNotMatch(summary, /Cost:/);
        assert.match(summary, /eval of input/);
        const [review] = (await w.reviews.listReviews()).reviews;
        assert.equal((await w.reviews.usageOfReview(review.id))[0].costUsd, 0.0003);
      },
      configYaml("review: {show_cost: false}\n"),
    ));
}
