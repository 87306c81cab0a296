import assert from "node:assert/strict";
import { callJson } from "../fetch_parsed.ts";
import { giteaFailure, giteaWebhook, startFakeGitea } from "./server.ts";
import { giteaPullRequestPayload } from "./payloads.ts";

const TOKEN = "fake-gitea-token";
const DIFF = `diff --git a/a.ts b/a.ts
index 1..2 100644
--- a/a.ts
+++ b/a.ts
@@ -1,2 +1,4 @@
 one
+two
+three
 four
`;

const call = (
  base: string,
  method: string,
  path: string,
  body?: unknown,
  auth = `token ${TOKEN}`,
) => callJson(`${base}${path}`, method, body, { authorization: auth });

const REVIEWS = "/api/v1/repos/o/r/pulls/1/reviews";
const at = (line: number, body = `on ${line}`) => ({
  path: "a.ts",
  body,
  new_position: line,
  old_position: 0,
});

Deno.test("fake Gitea: the token, as `token` or `Bearer`; /version is public", async () => {
  await using gitea = await startFakeGitea({ token: TOKEN });
  gitea.addPullRequest({ repo: "o/r", number: 1, diff: DIFF });
  assert.equal((await call(gitea.url, "GET", "/api/v1/repos/o/r/pulls/1")).status, 200);
  assert.equal(
    (await call(gitea.url, "GET", "/api/v1/repos/o/r/pulls/1", undefined, `Bearer ${TOKEN}`))
      .status,
    200,
  );
  const denied = await call(gitea.url, "GET", "/api/v1/repos/o/r/pulls/1", undefined, "token no");
  assert.equal(denied.status, 401);
  assert.equal((await call(gitea.url, "GET", "/api/v1/version", undefined, "")).status, 200);
  assert.equal((await call(gitea.url, "GET", "/api/forgejo/v1/version")).status, 404);
  assert.equal((await call(gitea.url, "GET", "/api/v1/user")).status, 200);
});

Deno.test("fake Gitea: a review without event is PENDING; COMMENT needs a body or comments", async () => {
  await using gitea = await startFakeGitea({ token: TOKEN });
  gitea.addPullRequest({ repo: "o/r", number: 1, diff: DIFF, author: "loom-bot" });
  assert.equal((await call(gitea.url, "POST", REVIEWS, { comments: [at(2)] })).status, 422);
  const pending = await call(gitea.url, "POST", REVIEWS, { body: "draft", comments: [at(2)] });
  assert.equal((pending.json as { state: string }).state, "PENDING");
  assert.equal(
    (await call(gitea.url, "POST", REVIEWS, { event: "COMMENT", body: "" })).status,
    422,
  );
  assert.equal(
    (await call(gitea.url, "POST", REVIEWS, { event: "APPROVED", body: "mine" })).status,
    422,
    "one cannot approve one's own pull request",
  );
  // The next submitted review takes the pending comments with it.
  const submitted = await call(gitea.url, "POST", REVIEWS, { event: "COMMENT", comments: [at(3)] });
  assert.equal((submitted.json as { comments_count: number }).comments_count, 2);
  assert.deepEqual(gitea.reviews("o/r", 1).map((r) => r.state), ["COMMENT"]);
});

Deno.test("fake Gitea: a comment off the diff is a 500 that leaves the ones before it pending", async () => {
  await using gitea = await startFakeGitea({ token: TOKEN });
  gitea.addPullRequest({ repo: "o/r", number: 1, diff: DIFF });
  const failed = await call(gitea.url, "POST", REVIEWS, {
    event: "COMMENT",
    comments: [at(2), at(9), at(3)],
  });
  assert.equal(failed.status, 500);
  assert.equal((failed.json as { message: string }).message, "CreateCodeComment");
  assert.deepEqual(gitea.reviews("o/r", 1).map((r) => r.state), ["PENDING"]);
  assert.deepEqual(gitea.reviewComments("o/r", 1).map((c) => c.newLine), [2]);
  // A positive old_position wins: new line 2 is in the diff, old line 5 is not.
  const old = await call(gitea.url, "POST", REVIEWS, {
    event: "COMMENT",
    comments: [{ path: "a.ts", body: "x", new_position: 2, old_position: 5 }],
  });
  assert.equal(old.status, 500);
});

Deno.test("fake Gitea: lists are paginated with Link (from ROOT_URL) and X-Total-Count", async () => {
  await using gitea = await startFakeGitea({
    token: TOKEN,
    rootUrl: "https://git.example.com/",
    maxResponseItems: 20,
  });
  gitea.addPullRequest({ repo: "o/r", number: 1, diff: DIFF });
  for (let i = 0; i < 45; i++) gitea.addIssueComment("o/r", 1, `c${i}`);
  const first = await call(gitea.url, "GET", "/api/v1/repos/o/r/issues/1/comments?limit=50");
  assert.equal((first.json as unknown[]).length, 20, "limit is capped by MAX_RESPONSE_ITEMS");
  assert.equal(first.headers.get("x-total-count"), "45");
  assert.equal(
    first.headers.get("link"),
    '<https://git.example.com/api/v1/repos/o/r/issues/1/comments?limit=50&page=2>; rel="next",' +
      '<https://git.example.com/api/v1/repos/o/r/issues/1/comments?limit=50&page=3>; rel="last"',
  );
  const last = await call(gitea.url, "GET", "/api/v1/repos/o/r/issues/1/comments?limit=20&page=3");
  assert.equal((last.json as unknown[]).length, 5);
  assert.doesNotMatch(last.headers.get("link") ?? "", /rel="next"/);
});

Deno.test("fake Forgejo: its version route, and extra_lines_count from Forgejo 16 only", async () => {
  for (
    const [version, extra] of [["16.0.0+gitea-1.22.0", 1], ["11.0.1+gitea-1.22.0", 0]] as const
  ) {
    await using forgejo = await startFakeGitea({ flavor: "forgejo", version });
    forgejo.addPullRequest({ repo: "o/r", number: 1, diff: DIFF });
    const probe = await call(forgejo.url, "GET", "/api/forgejo/v1/version");
    assert.deepEqual(probe.json, { version });
    await call(forgejo.url, "POST", REVIEWS, {
      event: "COMMENT",
      comments: [{ ...at(2), extra_lines_count: 1 }],
    });
    assert.deepEqual(forgejo.reviewComments("o/r", 1).map((c) => [c.newLine, c.extraLines]), [
      [2, extra],
    ]);
  }
  await using forgejo = await startFakeGitea({ flavor: "forgejo" });
  forgejo.addPullRequest({ repo: "o/r", number: 1, diff: DIFF });
  const beyond = await call(forgejo.url, "POST", REVIEWS, {
    event: "COMMENT",
    comments: [{ ...at(3), extra_lines_count: 5 }],
  });
  assert.equal(beyond.status, 500);
});

Deno.test("fake Gitea: raw files by ?ref= or by the legacy /raw/{ref}/{path}", async () => {
  await using gitea = await startFakeGitea();
  gitea.setFile("o/r", "feature/x", "docs/a.md", "A");
  gitea.setFile("o/r", "main", "b.md", "B");
  assert.equal(
    (await call(gitea.url, "GET", "/api/v1/repos/o/r/raw/docs/a.md?ref=feature%2Fx")).text,
    "A",
  );
  assert.equal(
    (await call(gitea.url, "GET", "/api/v1/repos/o/r/raw/feature/x/docs/a.md")).text,
    "A",
  );
  assert.equal((await call(gitea.url, "GET", "/api/v1/repos/o/r/media/b.md")).text, "B");
  assert.equal((await call(gitea.url, "GET", "/api/v1/repos/o/r/raw/c.md?ref=main")).status, 404);
});

Deno.test("fake Gitea: failNext answers instead, then the real answer comes back", async () => {
  await using gitea = await startFakeGitea();
  gitea.addPullRequest({ repo: "o/r", number: 1, diff: DIFF });
  gitea.failNext(giteaFailure.rateLimited(2), { path: /pulls\/1$/ });
  const limited = await call(gitea.url, "GET", "/api/v1/repos/o/r/pulls/1");
  assert.deepEqual([limited.status, limited.headers.get("retry-after")], [429, "2"]);
  assert.equal((await call(gitea.url, "GET", "/api/v1/repos/o/r/pulls/1")).status, 200);
});

Deno.test("giteaWebhook: Gitea's headers, signed as Gitea signs, empty without a secret", async () => {
  const payload = giteaPullRequestPayload({
    action: "synchronized",
    repo: "o/r",
    pr: 1,
    headSha: "a".repeat(40),
  });
  const d = await giteaWebhook({
    secret: "s3cret",
    eventType: "pull_request_sync",
    payload,
    deliveryId: "u-1",
  });
  assert.equal(d.body, JSON.stringify(payload, null, 2));
  assert.equal(d.headers["x-gitea-event"], "pull_request");
  assert.equal(d.headers["x-gitea-event-type"], "pull_request_sync");
  assert.equal(d.headers["x-gitea-delivery"], "u-1");
  // Recomputed apart from the fake's own signing.
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode("s3cret"),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(d.body)),
  );
  const hex = Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(d.headers["x-gitea-signature"], hex);
  assert.equal(d.headers["x-hub-signature-256"], `sha256=${hex}`);
  assert.match(d.headers["x-hub-signature"], /^sha1=[0-9a-f]{40}$/);
  assert.equal(d.headers["x-forgejo-signature"], undefined);

  const comment = await giteaWebhook({
    secret: "",
    eventType: "pull_request_comment",
    payload: {},
    flavor: "forgejo",
  });
  assert.equal(comment.headers["x-gitea-event"], "issue_comment");
  assert.equal(comment.headers["x-forgejo-event-type"], "pull_request_comment");
  assert.equal(comment.headers["x-gitea-signature"], "");
  assert.equal(comment.headers["x-forgejo-signature"], "");
  assert.equal(comment.headers["x-hub-signature"], "sha1=");
});
