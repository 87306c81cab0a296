import assert from "node:assert/strict";
import { dashboardWorld, seedReview } from "../../tests/support/dashboard.ts";

const HEAD = "1".repeat(40);

/** A review with one pipeline run, two findings (one posted inline), and a recorded call. */
async function seedFullReview(
  w: Awaited<ReturnType<typeof dashboardWorld>>,
  title = "SQL built from user input",
) {
  const id = await seedReview(w, { repository: "octo/app", pr: 7, title: "Add search" });
  const finding = (t: string, fingerprint: string, line: number, inDiff = true) => ({
    path: "src/search.ts",
    line,
    severity: "blocker",
    pipeline: "security",
    title: t,
    body: `Body of ${t}`,
    fingerprint,
    inDiff,
  });
  await w.store.savePipelineRun(id, {
    pipeline: "security",
    model: "default (gpt-test)",
    status: "succeeded",
    error: null,
    findings: [finding(title, "fp-1", 12), finding("Long function", "fp-2", 40, false)],
    droppedUnknownPath: 0,
    promptTokens: 4321,
    completionTokens: 123,
    llmCalls: 1,
    durationMs: 2_500,
    verification: { model: "cheap (mini)", minScore: 5, verified: 1, dropped: 0, unverified: 1 },
  }, w.clock.now);
  await w.store.recordInlineComments(
    {
      reviewId: id,
      repo: { platform: "github", fullName: "octo/app" },
      pr: 7,
      headSha: HEAD,
    },
    [{
      id: "c-901",
      fingerprint: "fp-1",
      path: "src/search.ts",
      line: 12,
      finding: { startLine: 12, line: 12, severity: "blocker", title, pipeline: "security" },
    }],
    w.clock.now,
  );
  await w.store.saveTranscripts(id, "security", [{
    seq: 1,
    model: "gpt-test",
    request: JSON.stringify({
      model: "gpt-test",
      messages: [
        { role: "system", content: "You review diffs for security problems." },
        {
          role: "user",
          content: "const q = `select * where name = ${name}`; // token: abcd1234efgh",
        },
      ],
    }),
    response: '{"choices":[{"message":{"content":"{\\"findings\\": []}"}}]}',
    status: 200,
    durationMs: 2_400,
  }], w.clock.now);
  return id;
}

Deno.test("review page: shows the pull request, range, findings with states, comments, pipeline and its prompts and raw answers", async () => {
  await using w = await dashboardWorld();
  const id = await seedFullReview(w);
  const user = await w.signIn();
  const res = await w.get(`/reviews/${id}`, user);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /href="https:\/\/github.com\/octo\/app\/pull\/7"/);
  assert.match(html, /bbbbbbbbbb\.\.aaaaaaaaaa/, "base..head");
  assert.match(html, /SQL built from user input/);
  assert.match(html, /<td>open<\/td>/, "the posted finding's state");
  assert.match(html, /in the summary/, "the finding not in the diff");
  assert.match(html, /c-901/, "the comment posted");
  assert.match(html, /default \(gpt-test\)/);
  assert.match(html, /4,321 prompt \+ 123 completion/);
  assert.match(html, /2\.5 s/);
  assert.match(html, /Second look by cheap \(mini\): 1 verified, 0 dropped under 5, 1 unverified/);
  assert.match(html, /You review diffs for security problems\./, "the prompt");
  assert.match(html, /\{&quot;choices&quot;:\[\{&quot;message&quot;/, "the raw answer as sent");
  assert.match(html, /token: \*\*\*/, "a credential in the prompt is masked");
  assert.doesNotMatch(html, /abcd1234efgh/);
});

Deno.test("review page: a stored finding title with <script> is shown as text, never run (stored XSS)", async () => {
  await using w = await dashboardWorld();
  const id = await seedFullReview(w, "<script>alert(1)</script><img src=x onerror=alert(2)>");
  const user = await w.signIn();
  const html = await (await w.get(`/reviews/${id}`, user)).text();
  assert.doesNotMatch(html, /<script>alert/);
  assert.doesNotMatch(html, /<img src=x/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

Deno.test("review page: an unknown or malformed id is a 404 page, not an error", async () => {
  await using w = await dashboardWorld();
  const user = await w.signIn();
  const missing = await w.get("/reviews/999", user);
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /There is no review 999/);
  const bad = await w.get("/reviews/1%20or%201=1", user);
  assert.equal(bad.status, 404);
  await bad.body?.cancel();
});

Deno.test("review page: a review's and each pipeline's cost, from what its model calls spent", async () => {
  await using w = await dashboardWorld();
  const id = await seedFullReview(w);
  const spent = {
    reviewId: id,
    platform: "github",
    repository: "octo/app",
    endpoint: "default",
    model: "gpt-test",
    calls: 1,
    promptTokens: 4321,
    cachedTokens: 0,
    completionTokens: 123,
    at: w.clock.now,
  };
  await w.store.recordLlmUsage([
    { ...spent, pipeline: "security", kind: "review", costUsd: 0.4 },
    { ...spent, pipeline: "security", kind: "verify", costUsd: 0.02 },
  ]);
  const html = await (await w.get(`/reviews/${id}`, await w.signIn())).text();
  assert.match(html, /cost \$0\.42/);
});
