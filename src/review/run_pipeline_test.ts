import assert from "node:assert/strict";
import { answer, type FakeLlm, startFakeLlm } from "../../tests/fakes/llm/server.ts";
import { RepoConfigSchema } from "../repo_config/mod.ts";
import { reviewDiff } from "./review_diff.ts";
import { renderSummary } from "./summary.ts";

const DIFF = `diff --git a/src/db.ts b/src/db.ts
--- a/src/db.ts
+++ b/src/db.ts
@@ -1,3 +1,4 @@
 const db = open();
-db.query(sql, [id]);
+db.query(sql + id);
+const unused = 1;
 export { db };
`;

const INJECTION = { path: "src/db.ts", line: 2, title: "SQL injection", body: "Bind `id`." };
const NITPICK = { path: "src/db.ts", line: 3, title: "Unused variable", body: "Remove it." };

/** Reviews DIFF with one blocker pipeline on `primary`, with `more` pipeline keys. */
function review(primary: FakeLlm, fallback: FakeLlm | null, more: Record<string, unknown> = {}) {
  const config = RepoConfigSchema.parse({
    models: {
      primary: { base_url: primary.url, model: "big-model" },
      ...(fallback ? { backup: { base_url: fallback.url, model: "small-model" } } : {}),
    },
    pipelines: [{
      name: "security",
      model: "primary",
      prompt_file: ".loom/security.md",
      severity: "blocker",
      ...(fallback ? { fallback: ["backup"] } : {}),
      ...more,
    }],
  });
  return reviewDiff({
    diff: DIFF,
    config,
    change: { title: "t", description: "", repo: "acme/web", baseBranch: "main", headBranch: "x" },
    readRepoFile: () => Promise.resolve("Find security bugs in:\n{{diff}}"),
    env: {},
  });
}

async function withModels(body: (a: FakeLlm, b: FakeLlm) => Promise<void>) {
  const a = await startFakeLlm();
  const b = await startFakeLlm();
  try {
    await body(a, b);
  } finally {
    await a.close();
    await b.close();
  }
}

const usage = (promptTokens: number, completionTokens: number) => ({
  usage: { promptTokens, completionTokens },
});

Deno.test("a 500 from the primary model: the fallback answers and the summary names it", () =>
  withModels(async (primary, backup) => {
    primary.setDefault(answer.serverError("db password=hunter2 leaked in this page"));
    backup.script(answer.json({ findings: [INJECTION] }, usage(300, 40)));
    backup.setDefault(answer.json({ scores: [{ id: 1, score: 9, reason: "real" }] }, usage(50, 9)));
    const result = await review(primary, backup);

    assert.deepEqual(result.findings.map((f) => [f.title, f.score]), [["SQL injection", 9]]);
    const [pipeline] = result.pipelines;
    assert.equal(pipeline.status, "succeeded");
    assert.deepEqual(pipeline.answeredBy, ["backup (small-model)"]);
    assert.equal(primary.chats().length, 1);
    const summary = renderSummary(result.summaryInput);
    assert.match(
      summary,
      /\*\*security\*\*: answered by fallback model `backup \(small-model\)` after `primary \(big-model\)` failed \(.*HTTP 500\)/,
    );
    assert.doesNotMatch(summary, /hunter2/);
    // The fallback's review and second look are both counted; the refused calls cost nothing.
    assert.deepEqual(result.usage, { promptTokens: 350, completionTokens: 49, calls: 2 });
    // Kept per request and model, so each is priced as the model it ran on.
    assert.deepEqual(pipeline.spend, [
      {
        endpoint: "backup",
        model: "small-model",
        kind: "fallback",
        usage: { promptTokens: 300, completionTokens: 40, calls: 1 },
      },
      {
        endpoint: "backup",
        model: "small-model",
        kind: "verify",
        usage: { promptTokens: 50, completionTokens: 9, calls: 1 },
      },
    ]);
  }));

Deno.test("a pipeline without fallbacks whose model fails is failed, as before", () =>
  withModels(async (primary) => {
    primary.setDefault(answer.error(401, "bad key"));
    const result = await review(primary, null);
    assert.equal(result.pipelines[0].status, "failed");
    assert.equal(result.pipelines[0].answeredBy, undefined);
    assert.equal(primary.chats().length, 1);
  }));

Deno.test("the second look drops a low-score finding from the report but keeps it with its score", () =>
  withModels(async (primary, cheap) => {
    primary.script(answer.json({ findings: [INJECTION, NITPICK] }, usage(400, 60)));
    // The cheap model answers as small models do: prose, string ids.
    cheap.script(answer.prose({
      scores: [{ id: "1", score: 9, reason: "real" }, { id: "2", score: "2", reason: "nit" }],
    }));
    const config = RepoConfigSchema.parse({
      models: {
        primary: { base_url: primary.url, model: "big-model" },
        cheap: { base_url: cheap.url, model: "cheap-model", structured_output: "json_schema" },
      },
      pipelines: [{
        name: "security",
        model: "primary",
        prompt_file: ".loom/security.md",
        severity: "warning",
        verify: true,
        verify_model: "cheap",
      }],
    });
    const result = await reviewDiff({
      diff: DIFF,
      config,
      change: { title: "t", description: "", repo: "r", baseBranch: "main", headBranch: "x" },
      readRepoFile: () => Promise.resolve("Review:\n{{diff}}"),
      env: {},
    });

    assert.deepEqual(result.findings.map((f) => f.title), ["SQL injection"]);
    const [pipeline] = result.pipelines;
    assert.deepEqual(
      pipeline.dropped?.map((f) => [f.title, f.dropped, f.score, f.scoreReason]),
      [["Unused variable", true, 2, "nit"]],
    );
    // The second look saw each finding's code, and asked for JSON the client can send.
    const [verifyCall] = cheap.chats();
    const prompt = JSON.stringify(verifyCall.body.messages);
    assert.match(prompt, />\s+2 \| db\.query\(sql \+ id\);/);
    assert.match(prompt, />\s+3 \| const unused = 1;/);
    assert.deepEqual(verifyCall.body.response_format, { type: "json_object" });
    assert.equal(verifyCall.body.model, "cheap-model");

    const summary = renderSummary(result.summaryInput);
    assert.doesNotMatch(summary, /Unused variable/);
    assert.match(
      summary,
      /second look by `cheap \(cheap-model\)`: 1 finding kept; 1 finding scored under 5 of 10 was dropped/,
    );
    // The cheap model's tokens are the fake's estimate (its answer was scripted without usage).
    const verifyTokens = Math.ceil(JSON.stringify(verifyCall.body.messages).length / 4);
    assert.equal(result.usage.calls, 2);
    assert.equal(result.usage.promptTokens, 400 + verifyTokens);
  }));

Deno.test("a second look that fails keeps every finding, unverified, and says so", () =>
  withModels(async (primary) => {
    primary.script(
      answer.json({ findings: [INJECTION, NITPICK] }, usage(400, 60)),
      answer.text("I think they are all fine.", usage(30, 5)),
      answer.text("Really, fine.", usage(40, 4)),
    );
    const result = await review(primary, null);

    assert.deepEqual(result.findings.map((f) => f.title).sort(), [
      "SQL injection",
      "Unused variable",
    ]);
    assert.equal(result.pipelines[0].status, "succeeded");
    assert.deepEqual(result.pipelines[0].dropped, []);
    assert.equal(result.pipelines[0].verification?.unverified, 2);
    const summary = renderSummary(result.summaryInput);
    assert.match(
      summary,
      /the second look by `primary \(big-model\)` failed \(.*scores JSON.*\): 2 findings are posted unverified\./,
    );
    // The review, the second look and its one re-ask.
    assert.deepEqual(result.usage, { promptTokens: 470, completionTokens: 69, calls: 3 });
  }));

Deno.test("a pipeline of severity warning takes no second look unless asked", () =>
  withModels(async (primary) => {
    primary.script(answer.json({ findings: [NITPICK] }));
    const result = await review(primary, null, { severity: "warning" });
    assert.equal(primary.chats().length, 1);
    assert.equal(result.pipelines[0].verification, undefined);
    assert.equal(result.findings.length, 1);
  }));
