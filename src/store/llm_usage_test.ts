import assert from "node:assert/strict";
import { type StoreWorld, testStores, withStores } from "../../tests/stores.ts";
import type { UsageRecord } from "./mod.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 1, 10); // 2026-12-01 10:00 UTC

function row(over: Partial<UsageRecord>): UsageRecord {
  return {
    reviewId: 1,
    platform: "github",
    repository: "octo/app",
    pipeline: "security",
    endpoint: "default",
    model: "gpt-4o-mini",
    kind: "review",
    calls: 1,
    promptTokens: 1000,
    cachedTokens: 0,
    completionTokens: 100,
    costUsd: 0.001,
    at: T0,
    ...over,
  };
}

for (const factory of testStores()) {
  const t = (name: string, body: (w: StoreWorld) => Promise<void>) =>
    Deno.test(`usage store [${factory.name}]: ${name}`, () => withStores(factory, body));

  t("sums by model, repository and day; an unpriced model's cost is null, not 0", async (w) => {
    await w.reviews.recordLlmUsage([
      row({}),
      row({
        kind: "verify",
        promptTokens: 200,
        cachedTokens: 50,
        completionTokens: 10,
        costUsd: 0.0002,
      }),
      row({ model: "llama3", endpoint: "local", costUsd: null, promptTokens: 5000 }),
      row({ repository: "octo/lib", reviewId: 2, at: T0 + DAY, costUsd: 0.5 }),
      // Before `since`: left out of every sum.
      row({ at: T0 - DAY, costUsd: 100 }),
    ]);
    const byModel = await w.reviews.usageTotals({ groupBy: "model", since: T0 });
    assert.deepEqual(byModel.map((m) => [m.model, m.calls, m.costUsd, m.unpricedCalls]), [
      ["gpt-4o-mini", 3, 0.5012, 0],
      ["llama3", 1, null, 1],
    ]);
    assert.equal(byModel[0].cachedTokens, 50);
    assert.equal(byModel[0].promptTokens, 2200);

    const byRepo = await w.reviews.usageTotals({ groupBy: "repository", since: T0 });
    assert.deepEqual(byRepo.map((r) => [r.repository, r.costUsd, r.unpricedCalls]), [
      ["octo/lib", 0.5, 0],
      ["octo/app", 0.0012, 1],
    ]);
    const byDay = await w.reviews.usageTotals({ groupBy: "day", since: T0 - DAY });
    assert.deepEqual(byDay.map((d) => [d.day, d.calls]), [
      ["2026-11-30", 1],
      ["2026-12-01", 3],
      ["2026-12-02", 1],
    ]);
    const perDay = await w.reviews.usageTotals({ groupBy: "day_model", since: T0 });
    assert.deepEqual(perDay.map((d) => [d.day, d.model, d.calls]), [
      ["2026-12-01", "gpt-4o-mini", 2],
      ["2026-12-01", "llama3", 1],
      ["2026-12-02", "gpt-4o-mini", 1],
    ]);
    assert.equal(
      (await w.reviews.usageTotals({ groupBy: "model", since: T0, limit: 1 })).length,
      1,
    );
  });

  t("one review's usage by pipeline, model and kind", async (w) => {
    await w.reviews.recordLlmUsage([
      row({}),
      row({ promptTokens: 10 }),
      row({ kind: "verify", promptTokens: 7, costUsd: null }),
      row({ reviewId: 9 }),
    ]);
    const usage = await w.reviews.usageOfReview(1);
    assert.deepEqual(usage.map((u) => [u.kind, u.calls, u.promptTokens, u.costUsd]), [
      ["review", 2, 1010, 0.002],
      ["verify", 1, 7, null],
    ]);
    assert.deepEqual(await w.reviews.usageOfReview(404), []);
  });

  t("today's spend: the server's, one repository's, and nothing spent reads 0", async (w) => {
    const today = Date.UTC(2026, 11, 2);
    assert.equal(await w.reviews.spendSince(today), 0);
    await w.reviews.recordLlmUsage([
      row({ at: today + 5, costUsd: 1.25 }),
      row({ at: today + 6, repository: "octo/lib", costUsd: 2 }),
      row({ at: today + 7, costUsd: null }),
      row({ at: today - 1, costUsd: 50 }),
    ]);
    assert.equal(await w.reviews.spendSince(today), 3.25);
    assert.equal(await w.reviews.spendSince(today, "octo/app"), 1.25);
    assert.equal(await w.reviews.spendSince(today, "octo/none"), 0);
  });

  t("pruned with the reviews of a pull request closed past the retention", async (w) => {
    const ref = { repo: { platform: "github", fullName: "octo/app" }, pr: 3 };
    const id = await w.reviews.startReview({
      ...ref,
      headSha: "h",
      baseSha: "b",
      prTitle: "t",
      trigger: "opened",
      jobId: 1,
      now: 10,
    });
    await w.reviews.recordLlmUsage([
      row({ reviewId: id, at: 20 }),
      row({ reviewId: null, at: 20 }),
    ]);
    await w.reviews.recordPullRequestState(ref.repo, ref.pr, "closed", 30);
    await w.reviews.pruneClosedReviews(1_000, 100);
    assert.deepEqual(await w.reviews.usageOfReview(id), []);
    // Usage of no review is not the review retention's to prune.
    assert.equal((await w.reviews.usageTotals({ groupBy: "model", since: 0 }))[0].calls, 1);
  });
}
