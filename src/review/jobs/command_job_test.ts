import assert from "node:assert/strict";
import { testStores } from "../../../tests/stores.ts";
import { enqueueJob } from "../../jobs.ts";
import { configYaml, REPO, type ReviewWorld, withReviewWorld } from "./_test_world.ts";

const GROUP = `memory:${REPO.fullName}#1`;
const HEAD_2 = "2".repeat(40);
const CAPS = {
  maxLlmCalls: 50,
  maxTokens: 16_384,
  maxContextWindow: 200_000,
  maxTimeoutS: 600,
  maxInlineComments: 50,
  maxPipelines: 10,
};

/** Queues `/loom <command>` from `name` as intake would, and runs every job that follows. */
async function give(w: ReviewWorld, command: "pause" | "resume" | "config", name: string) {
  await enqueueJob(w.queue, "command", "high", {
    repo: REPO,
    pr: 1,
    command,
    commandBy: { name },
  }, { groupKey: GROUP });
  const runs = await w.runJobs();
  assert.ok(runs.every((r) => r.outcome !== "failed"), JSON.stringify(runs));
  return runs;
}

/** Pushes `headSha` to pull request 1 and runs its review as intake would queue it. */
async function push(w: ReviewWorld, headSha: string) {
  w.git.setPullRequest(REPO, { number: 1, headSha });
  await w.requestReview(headSha, "new_commits");
  const runs = await w.runJobs();
  assert.ok(runs.every((r) => r.outcome !== "failed"), JSON.stringify(runs));
}

/** The comments posted to answer commands, oldest first. */
function replies(w: ReviewWorld): string[] {
  return w.git.writes.flatMap((x) => x.op === "postComment" ? [x.body] : []);
}

for (const factory of testStores()) {
  const t = (name: string, body: (w: ReviewWorld) => Promise<void>, config?: string | null) =>
    Deno.test(`command job [${factory.name}]: ${name}`, () =>
      withReviewWorld(factory, body, config));

  t(
    "pause, then a push: nothing reviewed, the status says paused; resume reviews the head",
    async (w) => {
      w.git.setWriters(["maintainer"]);
      await give(w, "pause", "maintainer");
      assert.equal(replies(w).length, 1);
      assert.match(replies(w)[0], /Loom is paused on this pull request \(by maintainer\)/);
      assert.equal((await w.reviews.getPause({ repo: REPO, pr: 1 })).paused?.by, "maintainer");

      await push(w, HEAD_2);
      assert.deepEqual(w.git.statuses(REPO, HEAD_2), [{
        state: "success",
        description: "Loom: skipped, paused by maintainer — /loom resume",
      }]);
      assert.equal(w.model.calls, 0);
      assert.ok(!w.git.writes.some((x) => x.op === "postSummary" || x.op === "postInline"));

      // A second pause changes nothing and says who paused.
      await give(w, "pause", "maintainer");
      assert.match(replies(w)[1], /already paused on this pull request \(by maintainer since /);

      await give(w, "resume", "maintainer");
      assert.match(
        replies(w)[2],
        /Loom resumed on this pull request \(by maintainer\).*current head now/,
      );
      assert.equal((await w.reviews.getPause({ repo: REPO, pr: 1 })).paused, null);
      assert.equal(w.model.calls, 1, "the head the pause skipped is reviewed");
      assert.equal(w.git.statuses(REPO, HEAD_2).at(-1)?.state, "success");
      assert.match(w.git.statuses(REPO, HEAD_2).at(-1)?.description ?? "", /^Loom: 0 blocker/);
      assert.equal(w.git.writes.filter((x) => x.op === "postSummary").length, 1);

      // Resumed: the next push is reviewed as usual; a resume when not paused queues nothing.
      await give(w, "resume", "maintainer");
      assert.match(replies(w)[3], /was not paused/);
      await push(w, "3".repeat(40));
      assert.equal(w.model.calls, 2);
    },
  );

  t("while paused, a writer's /loom review still reviews, and the pause stays", async (w) => {
    await give(w, "pause", "maintainer");
    await enqueueJob(w.queue, "review", "high", {
      repo: REPO,
      pr: 1,
      headSha: "",
      trigger: "command",
      commandBy: { name: "maintainer" },
    }, { groupKey: GROUP });
    await w.runJobs();
    assert.equal(w.model.calls, 1);
    assert.notEqual((await w.reviews.getPause({ repo: REPO, pr: 1 })).paused, null);
  });

  t("a command from someone without write access changes nothing and posts nothing", async (w) => {
    w.git.setWriters(["maintainer"]);
    await give(w, "pause", "drive-by");
    assert.equal((await w.reviews.getPause({ repo: REPO, pr: 1 })).paused, null);
    await give(w, "config", "drive-by");
    assert.deepEqual(w.git.writes, []);

    await give(w, "pause", "maintainer");
    await give(w, "resume", "drive-by");
    assert.equal((await w.reviews.getPause({ repo: REPO, pr: 1 })).paused?.by, "maintainer");
    assert.equal(replies(w).length, 1, "only the writer's pause was answered");
    assert.equal(w.model.calls, 0);
  });

  t(
    "/loom config: each value with its source (file, default, server cap) and the clamps",
    async (w) => {
      w.deps.caps = CAPS;
      await give(w, "config", "maintainer");
      const [reply] = replies(w);
      assert.match(reply, /^## Loom config for this pull request/);
      assert.match(reply, /Read from `\.loom\/config\.yaml` on `main`, the base branch\./);
      assert.match(reply, /^- `models\.default\.model`: `"fake-model"` · file$/m);
      assert.match(reply, /^- `models\.default\.max_tokens`: `2000` · default$/m);
      assert.match(reply, /^- `pipelines\[0\]\.severity`: `"warning"` · file$/m);
      assert.match(reply, /^- `review\.max_llm_calls`: `50` · server cap \(asked: `10000`\)$/m);
      assert.match(reply, /^- `triggers\.ignore_titles`: `\["WIP"\]` · file$/m);
      assert.match(reply, /^- `review\.auto_pause_after`: `0` · default$/m);
      assert.match(reply, /- `review\.max_llm_calls 10000 lowered to 50 \(LOOM_MAX_LLM_CALLS\)`/);
    },
    configYaml("triggers: {ignore_titles: [WIP]}\nreview: {max_llm_calls: 10000}\n"),
  );

  t(
    "/loom config: errors with line and column, in code, so the repository's text renders inert",
    async (w) => {
      await give(w, "config", "maintainer");
      const [reply] = replies(w);
      assert.match(reply, /❌ \*\*2 errors:\*\* pull requests are not reviewed/);
      assert.match(
        reply,
        /^- `\.loom\/config\.yaml:5:25: review\.max_llm_calls: must be at least 1`$/m,
      );
      // The unknown key is the repository's text: inside a code span, never markup or a mention.
      const line = reply.split("\n").find((l) => l.includes("unknown key")) ?? "";
      assert.match(line, /^- `\.loom\/config\.yaml:5:\d+: unknown key "@all <img src=x>".*`$/);
      assert.doesNotMatch(reply.replace(/`[^`\n]*`/g, ""), /@all|<img/);
      assert.doesNotMatch(reply, /Effective values/);
    },
    configYaml('review: {max_llm_calls: 0, "@all <img src=x>": 1}\n'),
  );

  t(
    "/loom config without a config file: the server's defaults, with the server's key and the URL's credentials masked",
    async (w) => {
      w.deps.llm = {
        baseUrl: "http://loom:hunter2-secret@model.test/v1?token=abc123456",
        model: "fake-model",
        apiKey: "sk-server-key-987654",
      };
      await give(w, "config", "maintainer");
      const [reply] = replies(w);
      assert.match(reply, /No `\.loom\/config\.yaml` on `main`: the server's defaults apply\./);
      assert.match(reply, /^- `models\.default\.api_key_env`: `"LOOM_LLM_API_KEY"` · default$/m);
      assert.match(reply, /^- `models\.default\.base_url`: `".*model\.test\/v1.*"` · default$/m);
      for (const secret of ["hunter2-secret", "abc123456", "sk-server-key-987654"]) {
        assert.ok(!reply.includes(secret), `${secret} is shown`);
      }
    },
    null,
  );

  t(
    "review.auto_pause_after: the Nth reviewed push pauses Loom and its summary says so; the next push is skipped",
    async (w) => {
      await w.requestReview();
      await w.runJobs();
      const summaries = () => w.git.comments(REPO, 1).filter((c) => c.kind === "summary");
      assert.doesNotMatch(summaries()[0].body, /paused/);
      // A command's review does not count.
      await enqueueJob(w.queue, "review", "high", {
        repo: REPO,
        pr: 1,
        headSha: "",
        trigger: "command",
        commandBy: { name: "maintainer" },
      }, { groupKey: GROUP });
      await w.runJobs();
      assert.equal((await w.reviews.getPause({ repo: REPO, pr: 1 })).paused, null);

      await push(w, HEAD_2);
      assert.match(
        summaries()[0].body,
        /⏸️ Loom paused automatic reviews of this pull request after 2 reviewed pushes \(`review\.auto_pause_after`\)\. Comment `\/loom resume`/,
      );
      const { paused } = await w.reviews.getPause({ repo: REPO, pr: 1 });
      assert.deepEqual([paused?.by, paused?.reason], [
        null,
        "after 2 reviewed pushes (review.auto_pause_after)",
      ]);

      const HEAD_3 = "3".repeat(40);
      await push(w, HEAD_3);
      assert.deepEqual(w.git.statuses(REPO, HEAD_3).map((s) => s.description), [
        "Loom: skipped, paused after 2 reviewed pushes (review.auto_pause_after) — /loom resume",
      ]);
      assert.equal(w.model.calls, 3);

      // Resumed, the count starts again: the resumed head's review is the first of two.
      await give(w, "resume", "maintainer");
      assert.equal(w.model.calls, 4);
      assert.equal((await w.reviews.getPause({ repo: REPO, pr: 1 })).paused, null);
    },
    configYaml("review: {auto_pause_after: 2}\n"),
  );
}
