import assert from "node:assert/strict";
import { dashboardWorld, seedReview } from "../../tests/support/dashboard.ts";

async function seedRepository(w: Awaited<ReturnType<typeof dashboardWorld>>) {
  const repo = { platform: "github", fullName: "octo/app" };
  await w.store.recordRepository(repo, w.clock.now);
  const id = await seedReview(w, { repository: "octo/app", pr: 3 });
  await seedReview(w, { repository: "octo/app", pr: 4 });
  await w.store.recordInlineComments(
    { reviewId: id, repo, pr: 3, headSha: "a".repeat(40) },
    ["blocker", "blocker", "warning"].map((severity, i) => ({
      id: `c-${i}`,
      fingerprint: `fp-${i}`,
      path: "a.ts",
      line: i + 1,
      finding: { startLine: i + 1, line: i + 1, severity, title: `F${i}`, pipeline: "p" },
    })),
    w.clock.now,
  );
  await w.store.pausePullRequest({ repo, pr: 4 }, {
    by: "mona",
    reason: "<b>noisy</b> reviews",
    now: w.clock.now,
  });
  await w.store.recordRepositoryConfig({
    platform: "github",
    repository: "octo/app",
    ref: "main",
    text: "pipelines:\n  - name: x\n",
    errors: [{ file: ".loom/config.yaml", line: 2, col: 5, message: "prompt_file is required" }],
    readAt: w.clock.now,
  });
  const [listed] = (await w.store.listRepositories()).repositories;
  return listed.id;
}

Deno.test("repositories page: each repository with its reviews, findings by severity and paused pull requests", async () => {
  await using w = await dashboardWorld();
  const id = await seedRepository(w);
  await w.store.recordRepository({ platform: "gitlab", fullName: "team/other" }, w.clock.now);
  const html = await (await w.get("/repositories", await w.signIn())).text();
  const row = new RegExp(
    `<a href="/repositories/${id}">octo/app</a></td><td>github</td>` +
      `<td class="num">2</td><td class="num">2</td><td class="num">1</td><td class="num">0</td>` +
      `<td class="num">1</td>`,
  );
  assert.match(html, row);
  assert.match(html, /team\/other/);
});

Deno.test("repository page: the config in effect with its line:col errors, paused pull requests, recent reviews", async () => {
  await using w = await dashboardWorld();
  const id = await seedRepository(w);
  const user = await w.signIn();
  const res = await w.get(`/repositories/${id}`, user);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /\.loom\/config\.yaml:2:5: prompt_file is required/);
  assert.match(html, /Read at <code>main<\/code>/);
  assert.match(html, /<td>!4<\/td>/);
  assert.match(html, /mona/);
  assert.match(html, /&lt;b&gt;noisy&lt;\/b&gt; reviews/, "a stored reason is escaped");
  assert.equal([...html.matchAll(/data-review-id=/g)].length, 2);

  const missing = await w.get("/repositories/4242", user);
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});
