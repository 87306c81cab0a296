import assert from "node:assert/strict";
import { type StoreWorld, testStores, withStores } from "../../tests/stores.ts";
import type { NewReview } from "./mod.ts";

const repo = { platform: "github", fullName: "octo/app" };
const newReview = (jobId: number, pr = 7, headSha = "aaa"): NewReview => ({
  repo,
  pr,
  headSha,
  baseSha: "base",
  prTitle: "Add search",
  trigger: "opened",
  jobId,
  now: 1_000,
});
const run = (pipeline: string, status: "succeeded" | "failed" = "succeeded") => ({
  pipeline,
  model: "default (m)",
  status,
  error: status === "failed" ? "model down" : null,
  findings: [{ title: pipeline }],
  droppedUnknownPath: 0,
  promptTokens: 10,
  completionTokens: 2,
  llmCalls: 1,
  durationMs: 5,
});

for (const factory of testStores()) {
  const t = (name: string, body: (w: StoreWorld) => Promise<void>) =>
    Deno.test(`review store [${factory.name}]: ${name}`, () => withStores(factory, body));

  t(
    "intake facts: a delivery seen, the repository's rate, a head reviewed, active jobs",
    async (w) => {
      const ask = (deliveryId: string, headSha: string | null = "aaa") =>
        w.reviews.lookUpIntakeFacts({
          platform: "github",
          deliveryId,
          repo,
          pr: 7,
          headSha,
          groupKey: "github:octo/app#7",
          since: 100,
          actor: null,
          hourSince: 100,
        });
      assert.deepEqual(await ask("d-1"), {
        seen: false,
        recent: 0,
        oldest: null,
        reviewed: false,
        active: 0,
        byActor: 0,
        byActorOldest: null,
        prCommands: 0,
        prCommandsOldest: null,
        lastReviewCommand: null,
      });
      const record = (deliveryId: string, at: number, outcome = "queued") =>
        w.reviews.recordDelivery({
          platform: "github",
          deliveryId,
          event: "review",
          repository: repo.fullName,
          outcome,
          jobId: null,
          at,
        });
      // Recorded together: one batch; a repeated id is kept once.
      await Promise.all([record("d-1", 150), record("d-2", 50), record("d-3", 200, "ignored")]);
      await record("d-1", 300);
      await w.queue.enqueue("review", "normal", null, { groupKey: "github:octo/app#7" });
      const id = await w.reviews.startReview(newReview(1));
      await w.reviews.endReview(id, "succeeded", 2_000);
      assert.deepEqual(await ask("d-1"), {
        seen: true,
        recent: 1,
        oldest: 150,
        reviewed: true,
        active: 1,
        byActor: 0,
        byActorOldest: null,
        prCommands: 0,
        prCommandsOldest: null,
        lastReviewCommand: null,
      });
      assert.equal((await ask("d-9", "bbb")).reviewed, false);
      assert.equal((await ask("d-9", null)).reviewed, false);
    },
  );

  t(
    "a review row per review job; ended with its status, error, summary and duration",
    async (w) => {
      const id = await w.reviews.startReview(newReview(41));
      assert.equal(await w.reviews.startReview(newReview(41)), id, "a retry finds its row");
      assert.notEqual(await w.reviews.startReview(newReview(42)), id);
      await w.reviews.recordSummaryComment(id, "c-9", "the summary");
      await w.reviews.recordReviewCounts(id, {
        findings: 3,
        blockers: 1,
        promptTokens: 30,
        completionTokens: 6,
        llmCalls: 2,
      });
      await w.reviews.endReview(id, "failed", 1_500, { error: "every pipeline failed" });
      const review = await w.reviews.getReview(id);
      assert.deepEqual(
        review && {
          status: review.status,
          error: review.error,
          summary: review.summary,
          summary_comment_id: review.summary_comment_id,
          duration_ms: review.duration_ms,
          finished_at: review.finished_at,
          findings: review.findings,
          blockers: review.blockers,
          tokens: [review.prompt_tokens, review.completion_tokens, review.llm_calls],
          job_id: review.job_id,
        },
        {
          status: "failed",
          error: "every pipeline failed",
          summary: "the summary",
          summary_comment_id: "c-9",
          duration_ms: 500,
          finished_at: 1_500,
          findings: 3,
          blockers: 1,
          tokens: [30, 6, 2],
          job_id: 41,
        },
      );
      assert.equal(await w.reviews.getReview(999_999), null);
    },
  );

  t("review inputs round-trip; a review without them answers null", async (w) => {
    const id = await w.reviews.startReview(newReview(1));
    assert.equal(await w.reviews.loadReviewInputs(id), null);
    await w.reviews.saveReviewInputs(id, { diff: "d", templates: { a: "b" } });
    assert.deepEqual(await w.reviews.loadReviewInputs(id), { diff: "d", templates: { a: "b" } });
  });

  t("pipeline runs: stored, replaced by a retry, counted, listed by name", async (w) => {
    const id = await w.reviews.startReview(newReview(1));
    await w.reviews.savePipelineRun(id, run("security", "failed"), 10);
    await w.reviews.savePipelineRun(id, run("quality"), 11);
    await w.reviews.savePipelineRun(id, run("security"), 12);
    assert.equal(await w.reviews.countPipelineRuns(id), 2);
    assert.deepEqual(await w.reviews.listPipelineRuns(id), [run("quality"), run("security")]);
  });

  t(
    "pipeline runs: a failure's detail for the admin API is kept apart from its public error",
    async (w) => {
      const id = await w.reviews.startReview(newReview(1));
      const failed = { ...run("security", "failed"), errorDetail: "model down: password=***" };
      await w.reviews.savePipelineRun(id, failed, 10);
      assert.deepEqual(await w.reviews.listPipelineRuns(id), [failed]);
    },
  );

  t(
    "inline comments: recorded once per fingerprint and pull request, listed per review",
    async (w) => {
      const id = await w.reviews.startReview(newReview(1));
      const place = { reviewId: id, repo, pr: 7, headSha: "aaa" };
      await w.reviews.recordInlineComments(place, [
        { id: "c-1", fingerprint: "f1", path: "a.ts", line: 3 },
        { id: "c-2", fingerprint: "f2" },
      ], 5);
      await w.reviews.recordInlineComments(place, [{ id: "c-3", fingerprint: "f1" }], 6);
      assert.deepEqual((await w.reviews.postedFingerprints(repo, 7)).sort(), ["f1", "f2"]);
      assert.deepEqual(await w.reviews.postedFingerprints(repo, 8), []);
      assert.deepEqual(await w.reviews.listReviewComments(id), [
        {
          kind: "inline",
          fingerprint: "f1",
          external_id: "c-1",
          path: "a.ts",
          line: 3,
          head_sha: "aaa",
          created_at: 5,
        },
        {
          kind: "inline",
          fingerprint: "f2",
          external_id: "c-2",
          path: null,
          line: null,
          head_sha: "aaa",
          created_at: 5,
        },
      ]);
    },
  );

  t("reviews listed newest first, filtered, paged by cursor", async (w) => {
    const ids = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await w.reviews.startReview(newReview(i + 1, 7 + (i % 2))));
    }
    await w.reviews.endReview(ids[0], "skipped", 2_000, { error: "draft" });
    const first = await w.reviews.listReviews({ limit: 3 });
    assert.deepEqual(first.reviews.map((r) => r.id), ids.slice(2).reverse());
    const rest = await w.reviews.listReviews({ limit: 3, cursor: first.nextCursor! });
    assert.deepEqual(rest.reviews.map((r) => r.id), ids.slice(0, 2).reverse());
    assert.equal(rest.nextCursor, null);
    assert.deepEqual((await w.reviews.listReviews({ pr: 8 })).reviews.map((r) => r.id), [
      ids[3],
      ids[1],
    ]);
    assert.deepEqual(
      (await w.reviews.listReviews({ status: "skipped" })).reviews.map((r) => r.id),
      [
        ids[0],
      ],
    );
    assert.equal((await w.reviews.listReviews({ platform: "gitlab" })).reviews.length, 0);
    assert.equal((await w.reviews.listReviews({ repository: "octo/app" })).reviews.length, 5);
  });

  t("repositories: added once, touched later", async (w) => {
    await w.reviews.recordRepository(repo, 10);
    await w.reviews.recordRepository(repo, 20);
    const rows = await w.db.db.selectFrom("repositories").selectAll().execute();
    assert.deepEqual(
      rows.map((r) => [r.full_name, Number(r.created_at), Number(r.last_event_at)]),
      [
        ["octo/app", 10, 20],
      ],
    );
  });

  t("review state: one row per pull request, replaced by the next completed review", async (w) => {
    assert.equal(await w.reviews.getReviewState(repo, 7), null);
    const state = {
      headSha: "aaa",
      mergeBase: "mmm",
      configFingerprint: "f1",
      reviewId: 1,
      summaryCommentId: "c1",
      updatedAt: 10,
    };
    await w.reviews.saveReviewState(repo, 7, state);
    await w.reviews.saveReviewState(repo, 8, { ...state, headSha: "other" });
    await w.reviews.saveReviewState(repo, 7, {
      ...state,
      headSha: "bbb",
      mergeBase: null,
      reviewId: 2,
      updatedAt: 20,
    });
    assert.deepEqual(await w.reviews.getReviewState(repo, 7), {
      ...state,
      headSha: "bbb",
      mergeBase: null,
      reviewId: 2,
      updatedAt: 20,
    });
    assert.equal((await w.reviews.getReviewState(repo, 8))?.headSha, "other");
  });

  t("finding states: recorded open with their range; only open ones change or move", async (w) => {
    const reviewId = await w.reviews.startReview(newReview(1));
    const place = { reviewId, repo, pr: 7, headSha: "aaa" };
    const finding = (title: string, startLine: number, line: number) => ({
      startLine,
      line,
      severity: "warning",
      title,
      pipeline: "quality",
    });
    await w.reviews.recordInlineComments(place, [
      { id: "c1", fingerprint: "f1", path: "a.ts", line: 5, finding: finding("one", 3, 5) },
      { id: "c2", fingerprint: "f2", path: "a.ts", line: 9 },
    ], 100);
    const [one, two] = await w.reviews.listFindings(repo, 7);
    assert.deepEqual(one, {
      fingerprint: "f1",
      commentId: "c1",
      path: "a.ts",
      startLine: 3,
      line: 5,
      headSha: "aaa",
      severity: "warning",
      title: "one",
      pipeline: "quality",
      state: "open",
      stateAt: null,
      stateBy: null,
      reviewId,
    });
    assert.deepEqual([two.startLine, two.line, two.title], [9, 9, null]);

    const changed = await w.reviews.setFindingState(repo, 7, [
      { fingerprint: "f1", state: "dismissed", by: "ana" },
    ], 200);
    assert.deepEqual(changed, ["f1"]);
    // A dismissal stands: neither a later fix nor a move changes it.
    assert.deepEqual(
      await w.reviews.setFindingState(
        repo,
        7,
        [{ fingerprint: "f1", state: "fixed", by: "loom" }],
        300,
      ),
      [],
    );
    const move = { path: "b.ts", startLine: 20, line: 22, headSha: "bbb" };
    await w.reviews.moveFindings(repo, 7, [
      { fingerprint: "f1", ...move },
      { fingerprint: "f2", ...move },
    ]);
    const [after1, after2] = await w.reviews.listFindings(repo, 7);
    assert.deepEqual(
      [after1.state, after1.stateBy, after1.stateAt, after1.path, after1.line],
      ["dismissed", "ana", 200, "a.ts", 5],
    );
    assert.deepEqual(
      [after2.state, after2.path, after2.startLine, after2.line, after2.headSha],
      ["open", "b.ts", 20, 22, "bbb"],
    );
  });
}
