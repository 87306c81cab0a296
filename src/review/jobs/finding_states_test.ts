import assert from "node:assert/strict";
import { testStores } from "../../../tests/stores.ts";
import { EVAL_FINDING, REPO, type ReviewWorld, withReviewWorld } from "./_test_world.ts";
import {
  ADD_PUSH,
  ADDED_DIFF,
  command,
  EXEC_FINDING,
  head,
  knowFirstHead,
  lastSummary,
  push,
  writesSince,
} from "./_life_world.ts";

async function firstReview(w: ReviewWorld): Promise<string> {
  knowFirstHead(w);
  w.model.findings = [EVAL_FINDING];
  await w.requestReview();
  await w.runJobs();
  const [inline] = w.git.comments(REPO, 1).filter((c) => c.kind === "inline");
  return inline.id;
}

for (const factory of testStores()) {
  const t = (name: string, body: (w: ReviewWorld) => Promise<void>) =>
    Deno.test(`finding states [${factory.name}]: ${name}`, () => withReviewWorld(factory, body));

  t("a finding dismissed by a reply stays quiet after /loom full-review", async (w) => {
    const commentId = await firstReview(w);
    w.git.setThread(REPO, 1, commentId, {
      replies: [{ author: "maintainer", body: "Won't fix: the input is ours." }],
    });
    w.model.findings = [EVAL_FINDING];
    const from = w.git.writes.length;
    await command(w, "full-review");
    await w.runJobs();
    const writes = writesSince(w, from);
    assert.deepEqual(writes.map((x) => x.op), ["setStatus", "postSummary", "setStatus"]);
    const summary = lastSummary(w);
    assert.match(summary, /Full review \(asked for by \/loom full-review\)/);
    assert.match(summary, /dismissed by maintainer: `src\/a\.js:2` — \*\*eval of input\*\*/);
    assert.match(summary, /\*\*No findings\.\*\*/, "the dismissed finding is not listed again");
    const final = writes[2];
    assert.equal(
      final.op === "setStatus" && final.status.description,
      "Loom: 0 blocker, 0 warning, 0 info",
    );
    const [finding] = await w.reviews.listFindings(REPO, 1);
    assert.deepEqual([finding.state, finding.stateBy], ["dismissed", "maintainer"]);
    assert.equal(typeof finding.stateAt, "number");

    // And on the next review it is not announced again.
    await command(w, "full-review");
    await w.runJobs();
    assert.doesNotMatch(lastSummary(w), /dismissed by/);
  });

  t("a thread a person resolved, or a -1 reaction, dismisses the finding", async (w) => {
    const commentId = await firstReview(w);
    w.git.setThread(REPO, 1, commentId, { resolved: true, resolvedBy: "ana" });
    await command(w, "full-review");
    await w.runJobs();
    const [finding] = await w.reviews.listFindings(REPO, 1);
    assert.deepEqual([finding.state, finding.stateBy], ["dismissed", "ana"]);
  });

  t("a reply or reaction from someone without write access dismisses nothing", async (w) => {
    w.git.setWriters(["maintainer"]);
    const commentId = await firstReview(w);
    w.git.setThread(REPO, 1, commentId, {
      replies: [{ author: "drive-by", body: "not an issue" }],
      reactions: [{ author: "drive-by", content: "-1" }],
    });
    push(w, 2, { prDiff: ADDED_DIFF, pushDiff: ADD_PUSH });
    w.model.findings = [EXEC_FINDING];
    await w.requestReview(head(2), "new_commits");
    await w.runJobs();
    const states = (await w.reviews.listFindings(REPO, 1)).map((f) => f.state);
    assert.deepEqual(states, ["open", "open"]);
    assert.doesNotMatch(lastSummary(w), /dismissed/);
  });

  t(
    "/loom resolve resolves every open thread, dismisses them and answers with a count",
    async (w) => {
      w.git.setWriters(["maintainer"]);
      const commentId = await firstReview(w);
      push(w, 2, { prDiff: ADDED_DIFF, pushDiff: ADD_PUSH });
      w.model.findings = [EXEC_FINDING];
      await w.requestReview(head(2), "new_commits");
      await w.runJobs();
      const [, second] = w.git.comments(REPO, 1).filter((c) => c.kind === "inline");
      w.git.setThread(REPO, 1, commentId, { resolved: true, resolvedBy: "loom" });

      let from = w.git.writes.length;
      await command(w, "resolve", "drive-by");
      await w.runJobs();
      assert.deepEqual(writesSince(w, from), [], "a command from a non-writer changes nothing");
      assert.deepEqual((await w.reviews.listFindings(REPO, 1)).map((f) => f.state), [
        "open",
        "open",
      ]);

      from = w.git.writes.length;
      await command(w, "resolve");
      await w.runJobs();
      const writes = writesSince(w, from);
      assert.deepEqual(writes.map((x) => x.op), ["resolveThread", "postComment"]);
      assert.ok(writes[0].op === "resolveThread" && writes[0].commentId === second.id);
      assert.ok(writes[1].op === "postComment");
      assert.equal(
        writes[1].body,
        "Resolved 1 of Loom's 2 open threads (1 already resolved). Loom will not raise these " +
          "findings again on this pull request.",
      );
      const states = (await w.reviews.listFindings(REPO, 1)).map((f) => [f.state, f.stateBy]);
      assert.deepEqual(states, [["dismissed", "maintainer"], ["dismissed", "maintainer"]]);

      from = w.git.writes.length;
      await command(w, "resolve");
      await w.runJobs();
      const again = writesSince(w, from);
      assert.deepEqual(again.map((x) => x.op), ["postComment"]);
      assert.ok(again[0].op === "postComment");
      assert.equal(again[0].body, "Loom has no open review threads on this pull request.");
    },
  );
}
