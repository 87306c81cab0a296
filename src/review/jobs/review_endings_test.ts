import assert from "node:assert/strict";
import { testStores } from "../../../tests/stores.ts";
import { cancelReviews } from "../../cancel_reviews.ts";
import { enqueueJob } from "../../jobs.ts";
import { PlatformError } from "../../platform/mod.ts";
import { PermanentError, RetryableError } from "../../queue/mod.ts";
import { EVAL_FINDING, REPO, type ReviewWorld, steps, withReviewWorld } from "./_test_world.ts";
import { reviewHandlers } from "./handlers.ts";

const states = (w: ReviewWorld) =>
  w.git.writes.flatMap((x) => x.op === "setStatus" && x.status ? [x.status.state] : []);

/** Wakes the waiting publish job, as its slow poll would a minute later. */
async function wakePublish(w: ReviewWorld) {
  const [publish] = (await w.queue.list({ kind: "publish" })).jobs;
  await w.queue.resume(publish.id);
}

/**
 * Runs the review job in a worker of its own, and while the platform answers `call` (the pull
 * request's getPullRequest, before the review row exists, or the diff's fetchDiff, after) supersedes
 * it as intake does for a newer head, aborting the run as the pool does for a job it cancels.
 * Returns the review's row once the run has ended.
 */
async function supersededDuring(w: ReviewWorld, call: "getPullRequest" | "fetchDiff") {
  await w.requestReview();
  const [job] = await w.queue.claim("worker-a", 1, { kinds: ["review"], leaseMs: 30_000 });
  const run = new AbortController();
  const original = w.git[call] as (...args: unknown[]) => Promise<unknown>;
  let superseded = false;
  w.git[call] = (async (...args: unknown[]) => {
    if (!superseded) {
      superseded = true;
      await cancelReviews(w.deps, `memory:${REPO.fullName}#1`, "superseded by 222222222222");
      run.abort(new Error("cancelled"));
    }
    return await original.apply(w.git, args);
  }) as never;
  const handler = reviewHandlers(w.deps).review;
  await assert.rejects(handler(job, { signal: run.signal }));
  assert.equal((await w.queue.fail("worker-a", job, new Error("aborted"))).status, "lost");
  assert.equal((await w.queue.get(job.id))?.status, "cancelled");
  return await theReview(w);
}

/** The review's single row. */
async function theReview(w: ReviewWorld) {
  const [review] = (await w.reviews.listReviews()).reviews;
  return review;
}

for (const factory of testStores()) {
  const t = (name: string, body: Parameters<typeof withReviewWorld>[1]) =>
    Deno.test(`review endings [${factory.name}]: ${name}`, () => withReviewWorld(factory, body));

  t(
    "every review ends: a pipeline that goes dead still gets the review published, marked failed, status error",
    async (w) => {
      w.model.findings = [EVAL_FINDING];
      await w.requestReview();
      await w.runJobs({ kinds: ["review", "publish"] });
      // The pipeline's worker vanishes on its last attempt: the queue declares the job dead
      // (as the lease reaper does) without its handler ever recording a run.
      const [pipeline] = await w.queue.claim("lost-worker", 1, {
        kinds: ["pipeline"],
        leaseMs: 30_000,
      });
      assert.equal(
        (await w.queue.fail("lost-worker", pipeline, new PermanentError("lease expired")))
          .status,
        "dead",
      );
      await wakePublish(w);
      await w.runJobs();
      assert.deepEqual(states(w), ["pending", "error"]);
      const review = await theReview(w);
      assert.equal(review.status, "failed");
      const summary = w.git.comments(REPO, 1).find((c) => c.kind === "summary");
      assert.match(summary?.body ?? "", /1 pipeline failed/);
      const [run] = await w.reviews.listPipelineRuns(review.id);
      assert.equal(run.status, "failed");
    },
  );

  t(
    "every review ends: a last attempt failing while it reads the config ends the row an earlier attempt started",
    async (w) => {
      await w.requestReview();
      // Attempt 1 starts the row, then the platform fails the diff (retried); every later
      // attempt fails reading the config, before it reaches the row's own ending.
      let diffs = 0;
      const fetchDiff = w.git.fetchDiff.bind(w.git);
      w.git.fetchDiff = ((...args: Parameters<typeof fetchDiff>) =>
        ++diffs === 1
          ? Promise.reject(new RetryableError("GitHub answered 502"))
          : fetchDiff(...args)) as typeof fetchDiff;
      const fetchFile = w.git.fetchFile.bind(w.git);
      w.git.fetchFile = ((...args: Parameters<typeof fetchFile>) =>
        diffs >= 1
          ? Promise.reject(new RetryableError("GitHub answered 500 for .loom/config.yaml"))
          : fetchFile(...args)) as typeof fetchFile;
      const runs = await w.runJobs({ kinds: ["review"] });
      assert.deepEqual(
        runs.map((r) =>
          r.outcome
        ),
        ["failed", "failed", "failed"],
      );
      assert.equal((await w.queue.list({ kind: "review" })).jobs[0].status, "dead");
      const review = await theReview(w);
      assert.equal(review.status, "failed", "not left running for ever");
      assert.match(review.error ?? "", /500 for \.loom\/config\.yaml/);
    },
  );

  t(
    "every review ends: a retry that finds the head moved on ends the row its first attempt made",
    async (w) => {
      await w.requestReview();
      let diffs = 0;
      const fetchDiff = w.git.fetchDiff.bind(w.git);
      w.git.fetchDiff = ((...args: Parameters<typeof fetchDiff>) => {
        if (++diffs > 1) return fetchDiff(...args);
        // The first attempt has its row when the platform fails, and a push lands meanwhile.
        w.git.setPullRequest(REPO, { number: 1, headSha: "2".repeat(40) });
        return Promise.reject(new RetryableError("GitHub answered 502"));
      }) as typeof fetchDiff;
      const runs = await w.runJobs({ kinds: ["review"] });
      assert.deepEqual(runs.map((r) => r.outcome), ["failed", "succeeded"]);
      const review = await theReview(w);
      assert.equal(review.status, "cancelled", "not left running for ever");
      assert.equal(review.error, "superseded by 222222222222");
    },
  );

  t(
    "every review ends: a publish whose every attempt fails (the platform answering 500) ends the review failed, status error, not pending for ever",
    async (w) => {
      w.model.findings = [EVAL_FINDING];
      await w.requestReview();
      for (let attempt = 0; attempt < 3; attempt++) {
        w.git.failNext(
          "postSummary",
          new PlatformError("GitHub POST /graphql failed with 500", {
            status: 500,
            retryable: true,
          }),
        );
      }
      const runs = await w.runJobs();
      assert.deepEqual(runs.filter((r) => r.kind === "publish").map((r) => r.outcome), [
        "postponed",
        "failed",
        "failed",
        "failed",
      ]);
      assert.equal((await w.queue.list({ kind: "publish" })).jobs[0].status, "dead");
      const review = await theReview(w);
      assert.equal(review.status, "failed", "not left running for ever");
      assert.match(review.error ?? "", /^not published: .*500/);
      assert.deepEqual(states(w), ["pending", "error"]);
      assert.equal(w.git.comments(REPO, 1).filter((c) => c.kind === "summary").length, 0);
    },
  );

  t(
    "every review ends: a pipeline handler failing for good publishes at once, status error",
    async (w) => {
      await w.requestReview();
      await w.runJobs({ kinds: ["review", "publish"] });
      // A permanent failure outside the model call (here: its stored run cannot be written).
      const save = w.reviews.savePipelineRun;
      let refused = false;
      w.deps.store = {
        ...w.reviews,
        savePipelineRun: (...args: Parameters<typeof save>) => {
          if (!refused) {
            refused = true;
            return Promise.reject(new PermanentError("disk refused the run"));
          }
          return save(...args);
        },
      };
      const runs = await w.runJobs({ kinds: ["pipeline", "publish"] });
      assert.deepEqual(runs.map((r) => `${r.kind}:${r.outcome}`), [
        "pipeline:failed",
        "publish:succeeded",
      ], "the publish job runs without waiting for its poll");
      assert.deepEqual(states(w), ["pending", "error"]);
      assert.equal((await theReview(w)).status, "failed");
    },
  );

  t(
    "a review job superseded after it made its review row ends that review cancelled",
    async (w) => {
      const review = await supersededDuring(w, "fetchDiff");
      assert.equal(review.status, "cancelled");
      assert.equal(review.error, "superseded by 222222222222");
      assert.equal((await w.queue.list({ kind: "publish" })).jobs.length, 0, "nothing to publish");
    },
  );

  t(
    "a review job superseded before it made its review row makes none, so none is left running",
    async (w) => {
      const review = await supersededDuring(w, "getPullRequest");
      assert.equal(review, undefined);
    },
  );

  t(
    "every review ends: a review job failing for good after its row exists ends it failed",
    async (w) => {
      await w.requestReview();
      w.git.failNext("fetchDiff", new PermanentError("the platform refused the diff"));
      assert.deepEqual(steps(await w.runJobs()), ["review:failed"]);
      assert.equal((await w.queue.list({ kind: "review" })).jobs[0].status, "dead");
      const review = await theReview(w);
      assert.equal(review.status, "failed");
      assert.match(review.error ?? "", /the platform refused the diff/);
    },
  );

  t("a cancelled review ends cancelled", async (w) => {
    await w.requestReview();
    await w.runJobs({ kinds: ["review", "publish"] });
    assert.equal((await theReview(w)).status, "running");
    w.git.setPullRequest(REPO, { number: 1, headSha: "1".repeat(40), state: "closed" });
    await enqueueJob(w.queue, "close", "high", {
      repo: REPO,
      pr: 1,
      group: `memory:${REPO.fullName}#1`,
    });
    await w.runJobs();
    const review = await theReview(w);
    assert.equal(review.status, "cancelled");
    assert.equal(review.error, "the pull request was closed");
    assert.deepEqual(states(w), ["pending"], "nothing published for a closed pull request");
  });
}
