import assert from "node:assert/strict";
import { testStores } from "../../../tests/stores.ts";
import { chatCompletion, EVAL_FINDING, withReviewWorld } from "./_test_world.ts";

const MODEL_URL = "http://model.test/v1";

const KEY = "sk-transcript-test-key-0123456789";

const config = `models:
  default: {base_url: ${MODEL_URL}, model: fake-model, api_key_env: LOOM_LLM_API_KEY}
pipelines:
  - {name: quality, prompt_file: builtin:quality, severity: warning}
`;

for (const factory of testStores()) {
  Deno.test(`review transcripts [${factory.name}]: each model call's prompt and raw answer are stored, the key an endpoint echoed redacted`, () =>
    withReviewWorld(
      factory,
      async (w) => {
        w.deps.env = { LOOM_LLM_API_KEY: KEY };
        w.deps.fetch = () =>
          Promise.resolve(
            Response.json({
              ...chatCompletion({ findings: [EVAL_FINDING] }),
              system_fingerprint: `served for ${KEY}`,
            }),
          );
        await w.requestReview();
        await w.runJobs();
        const [review] = (await w.reviews.listReviews()).reviews;
        const { quality } = await w.reviews.listTranscripts(review.id);
        assert.equal(quality.length, 1);
        const [call] = quality;
        assert.equal(call.model, "fake-model");
        assert.equal(call.status, 200);
        const request = JSON.parse(call.request);
        assert.ok(
          request.messages.some((m: { content: string }) => m.content.includes("eval(")),
          "the prompt holds the diff",
        );
        assert.match(call.response, /eval of input/, "the answer as the server sent it");
        assert.match(call.response, /served for \*\*\*/);
        assert.doesNotMatch(call.request + call.response, new RegExp(KEY));

        // The config the review read, for the Repositories page.
        const read = await w.reviews.getRepositoryConfig({
          platform: "memory",
          fullName: "octo/app",
        });
        assert.equal(read?.text, config);
        assert.deepEqual(read?.errors, []);

        // Pruned with the review's inputs: private code does not stay at rest.
        await w.reviews.pruneReviewInputs(Number.MAX_SAFE_INTEGER, 100);
        assert.deepEqual(await w.reviews.listTranscripts(review.id), {});
      },
      config,
    ));
}

for (const factory of testStores()) {
  Deno.test(`review transcripts [${factory.name}]: a config with errors is recorded with them`, () =>
    withReviewWorld(
      factory,
      async (w) => {
        await w.requestReview();
        await w.runJobs();
        const read = await w.reviews.getRepositoryConfig({
          platform: "memory",
          fullName: "octo/app",
        });
        assert.equal(read?.ref, "main");
        const severity = read!.errors.find((e) => e.message.includes("severity"));
        assert.equal(severity?.line, 2, JSON.stringify(read!.errors));
      },
      "pipelines:\n  - {name: x, prompt_file: builtin:quality, severity: loud}\n",
    ));
}
