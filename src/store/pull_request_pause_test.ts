import assert from "node:assert/strict";
import { type StoreWorld, testStores, withStores } from "../../tests/stores.ts";

const ref = { repo: { platform: "github", fullName: "octo/app" }, pr: 7 };
const other = { repo: { platform: "gitlab", fullName: "octo/app" }, pr: 7 };

for (const factory of testStores()) {
  const t = (name: string, body: (w: StoreWorld) => Promise<void>) =>
    Deno.test(`pause store [${factory.name}]: ${name}`, () => withStores(factory, body));

  t("a pull request never paused reads as not paused, never resumed", async (w) => {
    assert.deepEqual(await w.reviews.getPause(ref), { paused: null, resumedAt: null });
  });

  t("pause, a second pause keeps the first, resume, a second resume changes nothing", async (w) => {
    assert.equal(
      await w.reviews.pausePullRequest(ref, { by: "ana", reason: "/loom pause", now: 10 }),
      true,
    );
    assert.equal(
      await w.reviews.pausePullRequest(ref, { by: null, reason: "auto", now: 20 }),
      false,
    );
    assert.deepEqual(await w.reviews.getPause(ref), {
      paused: { at: 10, by: "ana", reason: "/loom pause" },
      resumedAt: null,
    });
    assert.deepEqual(await w.reviews.getPause(other), { paused: null, resumedAt: null });

    assert.equal(await w.reviews.resumePullRequest(ref, { by: "bo", now: 30 }), true);
    assert.deepEqual(await w.reviews.getPause(ref), { paused: null, resumedAt: 30 });
    assert.equal(await w.reviews.resumePullRequest(ref, { by: "bo", now: 40 }), false);
    assert.deepEqual(await w.reviews.getPause(ref), { paused: null, resumedAt: 30 });

    assert.equal(
      await w.reviews.pausePullRequest(ref, { by: null, reason: "auto", now: 50 }),
      true,
    );
    assert.deepEqual(await w.reviews.getPause(ref), {
      paused: { at: 50, by: null, reason: "auto" },
      resumedAt: 30,
    });
  });

  t(
    "reviewed pushes: published automatic reviews since a time, not commands nor skips",
    async (w) => {
      const review = async (
        jobId: number,
        trigger: string,
        now: number,
        end?: "succeeded" | "skipped",
      ) => {
        const id = await w.reviews.startReview({
          ...ref,
          headSha: `h${jobId}`,
          baseSha: "b",
          prTitle: "t",
          trigger,
          jobId,
          now,
        });
        if (end) await w.reviews.endReview(id, end, now + 1);
      };
      await review(1, "opened", 100, "succeeded");
      await review(2, "new_commits", 200, "succeeded");
      await review(3, "command", 300, "succeeded");
      await review(4, "new_commits", 400, "skipped");
      await review(5, "new_commits", 500);
      await review(6, "new_commits", 600, "succeeded");
      await w.reviews.startReview({
        ...other,
        headSha: "x",
        baseSha: "b",
        prTitle: "t",
        trigger: "opened",
        jobId: 7,
        now: 700,
      });
      assert.equal(await w.reviews.countReviewedPushes(ref, 0), 3);
      assert.equal(await w.reviews.countReviewedPushes(ref, 100), 2);
      assert.equal(await w.reviews.countReviewedPushes(ref, 600), 0);
      assert.equal(await w.reviews.countReviewedPushes(other, 0), 0);
    },
  );
}

for (const factory of testStores()) {
  Deno.test(`pause store [${factory.name}]: a head is reviewed once a review of it succeeded`, () =>
    withStores(factory, async (w) => {
      const start = (jobId: number, headSha: string) =>
        w.reviews.startReview({
          ...ref,
          headSha,
          baseSha: "b",
          prTitle: "t",
          trigger: "opened",
          jobId,
          now: 1,
        });
      await w.reviews.endReview(await start(1, "aaa"), "skipped", 2);
      assert.equal(await w.reviews.headReviewed(ref, "aaa"), false);
      await w.reviews.endReview(await start(2, "aaa"), "succeeded", 3);
      assert.equal(await w.reviews.headReviewed(ref, "aaa"), true);
      assert.equal(await w.reviews.headReviewed(ref, "bbb"), false);
      assert.equal(await w.reviews.headReviewed(other, "aaa"), false);
    }));
}
