import assert from "node:assert/strict";
import { testStores } from "../../../tests/stores.ts";
import {
  configYaml,
  EVAL_FINDING,
  REPO,
  type ReviewWorld,
  withReviewWorld,
} from "./_test_world.ts";
import {
  ADD_PUSH,
  ADDED_DIFF,
  command,
  EXEC_FINDING,
  FIX_PUSH,
  FIXED_DIFF,
  head,
  knowFirstHead,
  lastPrompt,
  lastSummary,
  push,
  writesSince,
} from "./_life_world.ts";

/** Reviews the first head with the `eval` finding; returns its comment's id. */
async function firstReview(w: ReviewWorld): Promise<string> {
  knowFirstHead(w);
  w.model.findings = [EVAL_FINDING];
  await w.requestReview();
  const runs = await w.runJobs();
  assert.ok(runs.every((r) => r.outcome !== "failed"), JSON.stringify(runs));
  const [inline] = w.git.comments(REPO, 1).filter((c) => c.kind === "inline");
  return inline.id;
}

async function reviewHead(w: ReviewWorld, n: number) {
  const from = w.git.writes.length;
  await w.requestReview(head(n), "new_commits");
  const runs = await w.runJobs();
  assert.ok(runs.every((r) => r.outcome !== "failed"), JSON.stringify(runs));
  return writesSince(w, from);
}

for (const factory of testStores()) {
  const t = (name: string, body: (w: ReviewWorld) => Promise<void>, config?: string | null) =>
    Deno.test(`life of a review [${factory.name}]: ${name}`, () =>
      withReviewWorld(factory, body, config));

  t("a push that fixes a finding resolves its thread and posts nothing twice", async (w) => {
    const commentId = await firstReview(w);
    push(w, 2, { prDiff: FIXED_DIFF, pushDiff: FIX_PUSH });
    w.model.findings = [];
    const writes = await reviewHead(w, 2);
    assert.deepEqual(writes.map((x) => x.op), [
      "setStatus",
      "resolveThread",
      "postSummary",
      "setStatus",
    ]);
    const resolved = writes[1];
    assert.ok(resolved.op === "resolveThread");
    assert.equal(resolved.commentId, commentId);
    assert.equal(resolved.note, `✅ Fixed in ${head(2).slice(0, 7)}`);
    // The model was sent the push only, not the pull request's unchanged first line.
    assert.match(lastPrompt(w), /JSON\.parse/);
    assert.doesNotMatch(lastPrompt(w), /const a = 1/);
    const summary = lastSummary(w);
    assert.match(summary, /Reviewed commits 1111111\.\.2222222 \(what changed since/);
    assert.match(summary, /✅ fixed: `src\/a\.js:2` — \*\*eval of input\*\*/);
    assert.equal(w.git.comments(REPO, 1).filter((c) => c.kind === "inline").length, 1);
    const [finding] = await w.reviews.listFindings(REPO, 1);
    assert.equal(finding.state, "fixed");
    assert.equal(finding.stateBy, "loom");
    const state = await w.reviews.getReviewState(REPO, 1);
    assert.equal(state?.headSha, head(2));
  });

  t("a push that adds a new problem posts only that; the earlier finding stays open", async (w) => {
    await firstReview(w);
    push(w, 2, { prDiff: ADDED_DIFF, pushDiff: ADD_PUSH });
    w.model.findings = [EXEC_FINDING];
    const writes = await reviewHead(w, 2);
    assert.deepEqual(writes.map((x) => x.op), [
      "setStatus",
      "postInline",
      "postSummary",
      "setStatus",
    ]);
    const posted = writes[1];
    assert.ok(posted.op === "postInline");
    assert.deepEqual(posted.comments.map((c) => [c.path, c.line]), [["src/a.js", 4]]);
    assert.doesNotMatch(lastPrompt(w), /eval\(input\)/, "the push did not touch the eval line");
    const summary = lastSummary(w);
    assert.match(summary, /Still open from earlier reviews[\s\S]*eval of input/);
    // The status speaks for the head: the new blocker fails it, the earlier warning counts.
    const final = writes[3];
    assert.deepEqual(final.op === "setStatus" && final.status, {
      state: "failure",
      description: "Loom: 1 blocker, 1 warning, 0 info",
    });
    const states = (await w.reviews.listFindings(REPO, 1)).map((f) => [f.title, f.state]);
    assert.deepEqual(states, [["eval of input", "open"], ["command injection", "open"]]);
  });

  t("a push of lines above a finding moves it; a push deleting its file outdates it", async (w) => {
    await firstReview(w);
    const above =
      "@@ -1,2 +1,4 @@\n+// one\n+// two\n const a = 1;\n+const b = eval(input);\n export { a };\n";
    push(w, 2, {
      prDiff: `diff --git a/src/a.js b/src/a.js\n--- a/src/a.js\n+++ b/src/a.js\n${above}`,
      pushDiff: "diff --git a/src/a.js b/src/a.js\n--- a/src/a.js\n+++ b/src/a.js\n" +
        "@@ -0,0 +1,2 @@\n+// one\n+// two\n",
    });
    w.model.findings = [];
    await reviewHead(w, 2);
    const [moved] = await w.reviews.listFindings(REPO, 1);
    assert.deepEqual([moved.state, moved.line, moved.headSha], ["open", 4, head(2)]);

    push(w, 3, {
      prDiff:
        "diff --git a/src/b.js b/src/b.js\nnew file mode 100644\n--- /dev/null\n+++ b/src/b.js\n@@ -0,0 +1 @@\n+x\n",
      pushDiff: "",
    });
    await reviewHead(w, 3);
    const [gone] = await w.reviews.listFindings(REPO, 1);
    assert.equal(gone.state, "outdated");
    assert.match(lastSummary(w), /outdated \(its lines are gone\): `src\/a\.js:4`/);
  });

  t("a force push (the old head not an ancestor) leads to a full review", async (w) => {
    await firstReview(w);
    push(w, 2, { prDiff: ADDED_DIFF, pushDiff: ADD_PUSH, ancestor: false });
    w.model.findings = [EVAL_FINDING, EXEC_FINDING];
    const writes = await reviewHead(w, 2);
    assert.match(lastPrompt(w), /const a = 1/, "the whole pull request was sent");
    assert.match(
      lastSummary(w),
      /Full review \(history was rewritten: 1111111 is not an ancestor of 2222222 \(force push or rebase\)\) of commit 2222222\. Previous review: commit 1111111\./,
    );
    const posted = writes.find((x) => x.op === "postInline");
    assert.ok(posted?.op === "postInline");
    assert.deepEqual(posted.comments.map((c) => c.line), [4], "eval is not posted twice");
  });

  t("a base branch merged in (the merge base moved) leads to a full review", async (w) => {
    await firstReview(w);
    push(w, 2, { prDiff: ADDED_DIFF, pushDiff: ADD_PUSH, mergeBase: "c".repeat(40) });
    await reviewHead(w, 2);
    assert.match(lastPrompt(w), /const a = 1/);
    assert.match(lastSummary(w), /Full review \(the merge base moved \(main was merged in\)\)/);
  });

  t("a changed config on the base branch leads to a full review", async (w) => {
    await firstReview(w);
    w.git.setFile(
      REPO,
      "main",
      ".loom/config.yaml",
      configYaml("review: {max_inline_comments: 5}\n"),
    );
    push(w, 2, { prDiff: ADDED_DIFF, pushDiff: ADD_PUSH });
    await reviewHead(w, 2);
    assert.match(lastPrompt(w), /const a = 1/);
    assert.match(lastSummary(w), /Full review \(the config or a prompt changed on main\)/);
  });

  t("review.incremental false reviews every push in full", async (w) => {
    await firstReview(w);
    push(w, 2, { prDiff: ADDED_DIFF, pushDiff: ADD_PUSH });
    await reviewHead(w, 2);
    assert.match(lastSummary(w), /Full review \(review\.incremental is false\)/);
  }, configYaml("review: {incremental: false}\n"));

  t("/loom full-review reviews the whole pull request", async (w) => {
    await firstReview(w);
    push(w, 2, { prDiff: ADDED_DIFF, pushDiff: ADD_PUSH });
    await command(w, "full-review");
    await w.runJobs();
    assert.match(lastPrompt(w), /const a = 1/);
    assert.match(lastSummary(w), /Full review \(asked for by \/loom full-review\)/);
  });

  t(
    "a push whose diff is past the limit of max_changes is not reviewed, as a full one is not",
    async (w) => {
      await firstReview(w);
      push(w, 2, { prDiff: ADDED_DIFF, pushDiff: ADD_PUSH });
      const calls = w.model.calls;
      await reviewHead(w, 2);
      assert.equal(w.model.calls, calls);
      assert.match(lastSummary(w), /Review skipped:\*\* the pull request changes 2 lines/);
    },
    configYaml("triggers: {max_changes: 1}\n"),
  );
}
