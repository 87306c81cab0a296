import assert from "node:assert/strict";
import { testStores } from "../../../tests/stores.ts";
import { PlatformError } from "../../platform/mod.ts";
import type { MemoryMethod } from "../../../tests/support/memory_git_adapter.ts";
import {
  EVAL_FINDING,
  REPO,
  reviewSteps,
  type ReviewWorld,
  steps,
  withReviewWorld,
} from "./_test_world.ts";
import { reviewHandlers } from "./handlers.ts";

const states = (w: { git: { writes: { op: string; status?: { state: string } }[] } }) =>
  w.git.writes.flatMap((x) => x.op === "setStatus" && x.status ? [x.status.state] : []);

/** Reviews with `method` failing once (a 502), and answers how the publish job's runs ended. */
async function publishRunsFailingOnce(w: ReviewWorld, method: MemoryMethod) {
  w.git.failNext(method, new PlatformError("bad gateway", { status: 502, retryable: true }));
  await w.requestReview();
  const runs = await w.runJobs();
  return runs.filter((r) => r.kind === "publish").map((r) => r.outcome);
}

for (const factory of testStores()) {
  const t = (name: string, body: Parameters<typeof withReviewWorld>[1]) =>
    Deno.test(`publish job [${factory.name}]: ${name}`, () => withReviewWorld(factory, body));

  t("shows pending first, waits postponed for the pipelines, then publishes", async (w) => {
    w.model.findings = [EVAL_FINDING];
    await w.requestReview();
    const runs = await w.runJobs();
    // Queued in the high lane before the pipelines: the pending status goes first; the last
    // pipeline resumes it.
    assert.deepEqual(steps(runs), reviewSteps(1));
    assert.deepEqual(states(w), ["pending", "success"]);
    const publish = await w.queue.get(runs[1].id);
    assert.equal(publish?.attempts, 1, "waiting spent no attempt");
  });

  t("pending never lands after the final status, even when the pipelines end first", async (w) => {
    w.model.findings = [EVAL_FINDING];
    await w.requestReview();
    await w.runJobs({ kinds: ["review"] });
    await w.runJobs({ kinds: ["pipeline"] });
    const runs = await w.runJobs({ kinds: ["publish"] });
    // Both stages still run, in order: the pending stage, then at once the final one.
    assert.deepEqual(runs.map((r) => r.outcome), ["postponed", "succeeded"]);
    assert.deepEqual(states(w), ["pending", "success"]);
    assert.equal(w.git.writes.at(-1)?.op, "setStatus");
  });

  t("a pending stage that failed is retried before the final stage, never after", async (w) => {
    assert.deepEqual(await publishRunsFailingOnce(w, "setStatus"), [
      "failed",
      "postponed",
      "succeeded",
    ]);
    assert.deepEqual(states(w), ["pending", "success"]);
  });

  t("a retried publish posts nothing twice", async (w) => {
    w.model.findings = [EVAL_FINDING];
    assert.deepEqual(await publishRunsFailingOnce(w, "postSummary"), [
      "postponed",
      "failed",
      "succeeded",
    ]);
    assert.equal(w.git.writes.filter((x) => x.op === "postInline").length, 1);
    const onPlatform = w.git.comments(REPO, 1);
    assert.equal(onPlatform.filter((c) => c.kind === "inline").length, 1);
    assert.equal(onPlatform.filter((c) => c.kind === "summary").length, 1);
    assert.deepEqual(states(w), ["pending", "success"], "no second pending on the retry");

    // A re-review of the same head finds the comment by its record and marker: not posted again.
    await w.requestReview("", "command");
    await w.runJobs();
    assert.equal(w.git.comments(REPO, 1).filter((c) => c.kind === "inline").length, 1);
    assert.equal(w.git.comments(REPO, 1).filter((c) => c.kind === "summary").length, 1);
    assert.ok(
      w.git.writes.filter((x) => x.op === "postSummary").every((x, i) =>
        i === 0 || (x.op === "postSummary" && x.edited)
      ),
    );
  });

  t(
    "summary takeover: a summary the platform refuses for good (403) ends the review with a final error status, never pending",
    async (w) => {
      w.model.findings = [EVAL_FINDING];
      w.git.failNext(
        "postSummary",
        new PlatformError("GitHub PATCH …/issues/comments/9 failed with 403", {
          status: 403,
          retryable: false,
        }),
      );
      await w.requestReview();
      const runs = await w.runJobs();
      assert.deepEqual(runs.filter((r) => r.kind === "publish").map((r) => r.outcome), [
        "postponed",
        "succeeded",
      ]);
      assert.deepEqual(states(w), ["pending", "error"]);
      const [review] = (await w.reviews.listReviews()).reviews;
      assert.equal(review.status, "failed");
      assert.match(review.error ?? "", /summary refused: .*403/);
    },
  );

  t("a head that moved on before publishing: nothing posted, the review cancelled", async (w) => {
    w.model.findings = [EVAL_FINDING];
    await w.requestReview();
    await w.runJobs({
      before: (job) => {
        if (job.kind === "pipeline") {
          w.git.setPullRequest(REPO, { number: 1, headSha: "3".repeat(40) });
        }
      },
    });
    assert.deepEqual(w.git.writes.map((x) => x.op), ["setStatus"], "only the pending status");
    const [review] = (await w.reviews.listReviews()).reviews;
    assert.equal(review.status, "cancelled");
    assert.equal(review.error, "head moved on before publishing");
  });
}

for (const factory of testStores()) {
  Deno.test(
    `publish job [${factory.name}]: two reviews of one pull request publishing at once post a finding once`,
    () =>
      withReviewWorld(factory, async (w) => {
        w.model.findings = [EVAL_FINDING];
        // Two reviews of the pull request (a redelivery and a push, say), both finding the same.
        await w.requestReview();
        await w.requestReview();
        await w.runJobs({ kinds: ["review", "pipeline"] });
        const publish = reviewHandlers(w.deps).publish;
        const runBoth = async () => {
          const jobs = await w.queue.claim("w", 2, { kinds: ["publish"], leaseMs: 30_000 });
          assert.equal(jobs.length, 2);
          const signal = new AbortController().signal;
          const results = await Promise.all(jobs.map((job) => publish(job, { signal })));
          for (const [i, result] of results.entries()) {
            if (result) await w.queue.postpone("w", jobs[i], result.postpone);
            else await w.queue.complete("w", [jobs[i]]);
          }
        };
        await runBoth(); // the pending stages
        // Loom's comments are slow to list: both final stages would read them before either posts.
        const list = w.git.listComments.bind(w.git);
        w.git.listComments = async (repo, pr) => {
          const comments = await list(repo, pr);
          await new Promise((r) => setTimeout(r, 50));
          return comments;
        };
        await runBoth(); // the final stages, at once
        const inline = w.git.comments(REPO, 1).filter((c) => c.kind === "inline");
        assert.deepEqual(inline.map((c) => c.fingerprint), [inline[0].fingerprint]);
        assert.equal(w.git.comments(REPO, 1).filter((c) => c.kind === "summary").length, 1);
      }),
  );
}
