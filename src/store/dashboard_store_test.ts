import assert from "node:assert/strict";
import { type StoreWorld, testStores, withStores } from "../../tests/stores.ts";
import { MAX_TRANSCRIPT_CALLS, MAX_TRANSCRIPT_CHARS } from "./mod.ts";

const repo = { platform: "github", fullName: "octo/app" };

async function review(w: StoreWorld, pr: number, jobId: number) {
  return await w.reviews.startReview({
    repo,
    pr,
    headSha: "h",
    baseSha: "b",
    prTitle: "t",
    trigger: "opened",
    jobId,
    now: 1_000,
  });
}

for (const factory of testStores()) {
  const t = (name: string, body: (w: StoreWorld) => Promise<void>) =>
    Deno.test(`dashboard store [${factory.name}]: ${name}`, () => withStores(factory, body));

  t(
    "repositories listed with reviews, inline findings by severity and paused pull requests",
    async (w) => {
      await w.reviews.recordRepository(repo, 1_000);
      await w.reviews.recordRepository({ platform: "gitlab", fullName: "octo/app" }, 2_000);
      const id = await review(w, 1, 1);
      await review(w, 2, 2);
      await w.reviews.recordInlineComments({ reviewId: id, repo, pr: 1, headSha: "h" }, [
        {
          id: "1",
          fingerprint: "a",
          finding: { startLine: 1, line: 1, severity: "blocker", title: "A", pipeline: "p" },
        },
        {
          id: "2",
          fingerprint: "b",
          finding: { startLine: 2, line: 2, severity: "info", title: "B", pipeline: "p" },
        },
      ], 1_000);
      await w.reviews.pausePullRequest({ repo, pr: 2 }, { by: null, reason: "auto", now: 3_000 });

      const page = await w.reviews.listRepositories({ limit: 1 });
      assert.equal(page.repositories[0].platform, "gitlab", "newest first");
      assert.equal(
        page.repositories[0].reviews,
        0,
        "a review of another platform's namesake is not counted",
      );
      const next = await w.reviews.listRepositories({ limit: 1, cursor: page.nextCursor! });
      const [github] = next.repositories;
      assert.deepEqual(
        { reviews: github.reviews, findings: github.findings, paused: github.paused },
        { reviews: 2, findings: { blocker: 1, info: 1 }, paused: 1 },
      );
      assert.equal(next.nextCursor, null);
      assert.deepEqual(await w.reviews.listPausedPullRequests(repo), [
        { pr: 2, at: 3_000, by: null, reason: "auto" },
      ]);
      assert.equal((await w.reviews.getRepository(github.id))?.fullName, "octo/app");
    },
  );

  t(
    "transcripts: capped per text and per run, replaced by a retry, deleted with a closed pull request",
    async (w) => {
      const id = await review(w, 1, 1);
      const call = (seq: number, text = "x") => ({
        seq,
        model: "m",
        request: text,
        response: text,
        status: 200,
        durationMs: 5,
      });
      const many = Array.from({ length: MAX_TRANSCRIPT_CALLS + 5 }, (_, i) => call(i + 1));
      await w.reviews.saveTranscripts(id, "p", many, 1_000);
      assert.equal((await w.reviews.listTranscripts(id)).p.length, MAX_TRANSCRIPT_CALLS);

      await w.reviews.saveTranscripts(
        id,
        "p",
        [call(1, "y".repeat(MAX_TRANSCRIPT_CHARS + 10))],
        2_000,
      );
      const [kept] = (await w.reviews.listTranscripts(id)).p;
      assert.equal(kept.request.startsWith("y".repeat(MAX_TRANSCRIPT_CHARS)), true);
      assert.match(kept.request, /\[10 more characters not kept\]$/);

      await w.reviews.recordPullRequestState(repo, 1, "closed", 1_000);
      await w.reviews.pruneClosedReviews(Number.MAX_SAFE_INTEGER, 100);
      assert.deepEqual(await w.reviews.listTranscripts(id), {});
    },
  );
}
