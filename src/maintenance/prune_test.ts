import assert from "node:assert/strict";
import { sql } from "kysely";
import { storeSpace } from "../db/mod.ts";
import { type StoreWorld, testStores, withStores } from "../../tests/stores.ts";
import { pruneStore } from "./prune.ts";

const DAY = 86_400_000;
const NOW = 2_000 * DAY;
const repo = { platform: "github", fullName: "octo/app" };

/** A finished review of `pr` at `at`, with stored inputs, a failed run's endpoint answer and a comment. */
async function review(w: StoreWorld, pr: number, at: number, jobId: number) {
  const id = await w.reviews.startReview({
    repo,
    pr,
    headSha: `head-${pr}-${jobId}`,
    baseSha: "base",
    prTitle: "t",
    trigger: "opened",
    jobId,
    now: at,
  });
  await w.reviews.saveReviewInputs(id, { diff: `+ secret code of pr ${pr}` });
  await w.reviews.savePipelineRun(id, {
    pipeline: "security",
    model: "m",
    status: "failed",
    error: "model down",
    errorDetail: "the endpoint said: private words",
    findings: [{ title: `finding ${pr}` }],
    droppedUnknownPath: 0,
    promptTokens: 1,
    completionTokens: 1,
    llmCalls: 1,
    durationMs: 1,
  }, at);
  await w.reviews.recordInlineComments(
    { reviewId: id, repo, pr, headSha: `head-${pr}-${jobId}` },
    [{ id: `c-${jobId}`, fingerprint: `fp-${pr}-${jobId}` }],
    at,
  );
  await w.reviews.endReview(id, "succeeded", at);
  return id;
}

/** One prune of `w` with 30 days' retention (365 for reviews), at `now`, in batches of `batch`. */
function pruneAt(w: StoreWorld, now: () => number, batch?: number) {
  return pruneStore({
    database: w.db,
    queue: w.queue,
    store: w.reviews,
    retentionDays: 30,
    retentionReviewsDays: 365,
    now,
    ...(batch ? { batch } : {}),
  });
}

async function count(w: StoreWorld, table: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(
    w.db.db,
  );
  return Number(r.rows[0].n);
}

for (const factory of testStores()) {
  let clock = NOW;
  const t = (name: string, body: (w: StoreWorld) => Promise<void>) =>
    Deno.test(
      `retention prune [${factory.name}]: ${name}`,
      () => withStores(factory, body, { now: () => clock }),
    );

  t(
    "old finished jobs and deliveries go; young ones, unfinished jobs and recurring jobs stay",
    async (w) => {
      const finishAt = async (at: number, end: "complete" | "cancel" | "dead") => {
        clock = at;
        const { id } = await w.queue.enqueue("review", "normal", { at }, { maxAttempts: 1 });
        if (end === "cancel") return await w.queue.cancel(id), id;
        const [job] = await w.queue.claim("w", 1, { kinds: ["review"], leaseMs: 60_000 });
        if (end === "complete") await w.queue.complete("w", [job]);
        else await w.queue.fail("w", job, new Error("boom"));
        return id;
      };
      const oldDone = await finishAt(NOW - 40 * DAY, "complete");
      const oldDead = await finishAt(NOW - 40 * DAY, "dead");
      const oldCancelled = await finishAt(NOW - 31 * DAY, "cancel");
      const youngDone = await finishAt(NOW - 10 * DAY, "complete");
      clock = NOW - 40 * DAY;
      const oldQueued = (await w.queue.enqueue("review", "low", { waiting: true })).id;
      const recurring = (await w.queue.enqueue("prune", "low", {}, { dedupeKey: "p" })).id;
      for (const [id, at] of [["old", NOW - 40 * DAY], ["young", NOW - 2 * DAY]] as const) {
        await w.reviews.recordDelivery({
          platform: "github",
          deliveryId: id,
          event: "review",
          repository: repo.fullName,
          outcome: "queued",
          jobId: null,
          at,
        });
      }
      clock = NOW;
      const pruned = await pruneAt(w, () => clock);
      assert.equal(pruned.jobs, 3);
      assert.equal(pruned.deliveries, 1);
      for (const id of [oldDone, oldDead, oldCancelled]) assert.equal(await w.queue.get(id), null);
      for (const id of [youngDone, oldQueued, recurring]) assert.ok(await w.queue.get(id), `${id}`);
      // The young delivery is still recognised as a redelivery; the old one is forgotten.
      const seen = (deliveryId: string) =>
        w.reviews.lookUpIntakeFacts({
          platform: "github",
          deliveryId,
          repo,
          pr: 1,
          headSha: null,
          groupKey: "g",
          since: 0,
          actor: null,
          hourSince: 0,
        }).then((f) => f.seen);
      assert.equal(await seen("young"), true);
      assert.equal(await seen("old"), false);
    },
  );

  t(
    "a review whose publish job the lease reaper declared dead (its worker lost on the last attempt) is ended failed; reviews with a job still to run are left running",
    async (w) => {
      clock = NOW - 60_000;
      /** A running review whose review job has ended (or still runs, `reviewRunning`). */
      const running = async (pr: number, reviewRunning = false) => {
        const { id: jobId } = await w.queue.enqueue("review", "normal", { pr });
        const [job] = await w.queue.claim("w", 1, { kinds: ["review"], leaseMs: 60_000 });
        const id = await w.reviews.startReview({
          repo,
          pr,
          headSha: `head-${pr}`,
          baseSha: "base",
          prTitle: "t",
          trigger: "opened",
          jobId,
          now: clock,
        });
        const publish = await w.queue.enqueue("publish", "high", { reviewId: id }, {
          dedupeKey: `publish:${id}`,
          maxAttempts: 1,
        });
        if (!reviewRunning) await w.queue.complete("w", [job]);
        return { id, publish: publish.id };
      };
      const lost = await running(1);
      const waiting = await running(2);
      const stillPlanning = await running(3, true);
      // The publish of PR 1 is claimed by a worker that vanishes: its lease runs out.
      const [claimed] = await w.queue.claim("vanished", 1, { kinds: ["publish"], leaseMs: 1_000 });
      assert.equal(claimed.id, lost.publish);
      clock = NOW;
      assert.equal(
        await w.queue.reapExpired(),
        1,
        "the vanished publish; PR 3's review job is held",
      );
      assert.equal((await w.queue.get(lost.publish))?.status, "dead");

      const pruned = await pruneAt(w, () => clock);
      assert.equal(pruned.orphanedReviews, 1);
      const ended = await w.reviews.getReview(lost.id);
      assert.equal(ended?.status, "failed");
      assert.match(ended?.error ?? "", /worker lost/);
      assert.equal((await w.reviews.getReview(waiting.id))?.status, "running");
      assert.equal((await w.reviews.getReview(stillPlanning.id))?.status, "running");
    },
  );

  t(
    "inputs of old reviews go; reviews, findings and comments stay while the pull request is open or recently closed",
    async (w) => {
      // PR 1: open, reviewed 400 days ago. PR 2: closed 400 days ago. PR 3: closed 100 days ago.
      // PR 4: reviewed before states were recorded, 400 days ago. PR 5: open, reviewed 5 days ago.
      const open1 = await review(w, 1, NOW - 400 * DAY, 1);
      await w.reviews.recordPullRequestState(repo, 1, "open", NOW - 400 * DAY);
      await review(w, 2, NOW - 420 * DAY, 2);
      await w.reviews.recordPullRequestState(repo, 2, "closed", NOW - 400 * DAY);
      const closed3 = await review(w, 3, NOW - 120 * DAY, 3);
      await w.reviews.recordPullRequestState(repo, 3, "closed", NOW - 100 * DAY);
      await review(w, 4, NOW - 400 * DAY, 4);
      await sql`insert into pull_requests (platform, repository, pr_number, state, updated_at)
      values ('github', 'octo/app', 4, 'unknown', ${NOW - 400 * DAY})`.execute(w.db.db);
      const young5 = await review(w, 5, NOW - 5 * DAY, 5);
      await w.reviews.recordPullRequestState(repo, 5, "open", NOW - 5 * DAY);
      for (const pr of [2, 3]) {
        await w.reviews.pausePullRequest({ repo, pr }, {
          by: "ana",
          reason: "/loom pause",
          now: 1,
        });
      }

      // Batches of 2: several batches, as a large store has.
      const pruned = await pruneAt(w, () => NOW, 2);
      assert.equal(pruned.reviewInputs, 4, "every review that ended over 30 days ago");
      assert.deepEqual(
        { prs: pruned.pullRequests, reviews: pruned.reviews, comments: pruned.comments },
        { prs: 2, reviews: 2, comments: 2 },
      );

      // Open PR 1: its row, findings and comment (what dedupe reads) stay; its diff does not.
      assert.equal(await w.reviews.loadReviewInputs(open1), null);
      assert.ok(await w.reviews.getReview(open1));
      const [run] = await w.reviews.listPipelineRuns(open1);
      assert.deepEqual(run.findings, [{ title: "finding 1" }]);
      const runs = await sql<{ findings: string }>`select findings from pipeline_runs
      where review_id = ${open1}`.execute(w.db.db);
      assert.doesNotMatch(runs.rows[0].findings, /private words/);
      assert.deepEqual(await w.reviews.postedFingerprints(repo, 1), ["fp-1-1"]);
      // Closed 100 days ago: kept (inputs gone). Young: everything kept.
      assert.ok(await w.reviews.getReview(closed3));
      assert.deepEqual(await w.reviews.postedFingerprints(repo, 3), ["fp-3-3"]);
      assert.deepEqual(await w.reviews.loadReviewInputs(young5), { diff: "+ secret code of pr 5" });
      const young = await sql<{ findings: string }>`select findings from pipeline_runs
      where review_id = ${young5}`.execute(w.db.db);
      assert.match(young.rows[0].findings, /private words/);
      // Closed long ago, or unheard of for long: gone, all of it.
      for (const pr of [2, 4]) assert.deepEqual(await w.reviews.postedFingerprints(repo, pr), []);
      assert.equal((await w.reviews.getPause({ repo, pr: 2 })).paused, null, "its pause too");
      assert.equal((await w.reviews.getPause({ repo, pr: 3 })).paused?.by, "ana");
      assert.equal(await count(w, "reviews"), 3);
      assert.equal(await count(w, "pipeline_runs"), 3);
      assert.equal(await count(w, "pull_requests"), 3);
    },
  );

  t("a pull request reopened after its close keeps its records", async (w) => {
    await review(w, 1, NOW - 500 * DAY, 1);
    await w.reviews.recordPullRequestState(repo, 1, "closed", NOW - 450 * DAY);
    await w.reviews.recordPullRequestState(repo, 1, "open", NOW - 440 * DAY);
    const pruned = await pruneAt(w, () => NOW);
    assert.equal(pruned.reviews, 0);
    assert.deepEqual(await w.reviews.postedFingerprints(repo, 1), ["fp-1-1"]);
  });
}

Deno.test("retention prune [sqlite]: the file gives the pruned pages back (incremental auto-vacuum)", async () => {
  const [sqlite] = testStores();
  let clock = NOW - 60 * DAY;
  await withStores(sqlite, async (w) => {
    const big = "x".repeat(4000);
    for (let i = 0; i < 4; i++) {
      const jobs = Array.from({ length: 500 }, (_, n) => ({
        kind: "review",
        lane: "normal" as const,
        payload: { big, n },
      }));
      const ids = (await w.queue.enqueueMany(jobs)).map((r) => r.id);
      const claimed = await w.queue.claim("w", 500, { kinds: ["review"], leaseMs: 60_000 });
      await w.queue.complete("w", claimed);
      assert.equal(claimed.length, ids.length);
    }
    const before = (await storeSpace(w.db))!;
    assert.equal(before.autoVacuum, 2, "a new store is incremental");
    clock = NOW;
    const pruned = await pruneAt(w, () => clock);
    const after = (await storeSpace(w.db))!;
    assert.equal(pruned.jobs, 2000);
    assert.ok(pruned.pagesFreed > 1000, `${pruned.pagesFreed} pages freed`);
    assert.equal(after.freelistPages, 0);
    assert.ok(after.pages < before.pages / 4, `${before.pages} → ${after.pages} pages`);
  }, { now: () => clock });
});
