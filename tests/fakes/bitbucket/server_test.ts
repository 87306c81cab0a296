import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { fetchParsed } from "../fetch_parsed.ts";
import { bitbucketWebhook, startFakeBitbucket } from "./server.ts";

const TOKEN = "fake-token";
const DIFF = "diff --git a/a.ts b/a.ts\nindex 1..2 100644\n--- a/a.ts\n+++ b/a.ts\n" +
  "@@ -1,2 +1,3 @@\n one\n+two\n three\n";

async function call(url: string, init: RequestInit & { auth?: string | null } = {}) {
  const headers = new Headers(init.headers);
  if (init.auth !== null) headers.set("authorization", init.auth ?? `Bearer ${TOKEN}`);
  if (init.body) headers.set("content-type", "application/json");
  return await fetchParsed(url, { ...init, headers, redirect: "manual" });
}

Deno.test("fake Bitbucket: both kinds of credentials, and the /diff redirect that wants them too", async () => {
  await using bb = await startFakeBitbucket({
    token: TOKEN,
    user: { email: "me@example.com", apiToken: "api" },
  });
  const pr = bb.addPullRequest({ repo: "ws/app", number: 1, diff: DIFF });
  const prUrl = `${bb.url}/repositories/ws/app/pullrequests/1`;
  assert.equal((await call(prUrl, { auth: null })).status, 401);
  assert.equal((await call(prUrl, { auth: "Bearer nope" })).status, 401);
  assert.equal((await call(prUrl, { auth: `Basic ${btoa("me@example.com:api")}` })).status, 200);
  const got = await call(prUrl);
  // deno-lint-ignore no-explicit-any
  const body = got.json as any;
  assert.equal(body.source.commit.hash, pr.headSha.slice(0, 12), "hashes are abbreviated");

  const redirect = await call(`${prUrl}/diff`);
  assert.equal(redirect.status, 302);
  const location = redirect.headers.get("location")!;
  assert.ok(location.startsWith(`${bb.url}/repositories/ws/app/diff/ws/app:`), location);
  assert.equal((await call(location, { auth: null })).status, 401);
  const diff = await call(location);
  assert.deepEqual([diff.status, diff.text], [200, DIFF]);

  const commit = await call(`${bb.url}/repositories/ws/app/commit/${pr.headSha.slice(0, 12)}`);
  assert.equal((commit.json as { hash: string }).hash, pr.headSha);
});

Deno.test("fake Bitbucket: comments are paged with pagelen, page, size and an absolute next", async () => {
  await using bb = await startFakeBitbucket();
  bb.addPullRequest({ repo: "ws/app", number: 1, diff: DIFF });
  for (let i = 0; i < 25; i++) bb.addComment("ws/app", 1, `c${i}`);
  const list = `${bb.url}/repositories/ws/app/pullrequests/1/comments`;
  // deno-lint-ignore no-explicit-any
  const first = (await call(list)).json as any;
  assert.deepEqual([first.pagelen, first.size, first.page, first.values.length], [10, 25, 1, 10]);
  assert.equal(first.next, `${list}?page=2`);
  // deno-lint-ignore no-explicit-any
  const last = (await call(`${list}?pagelen=20&page=2`)).json as any;
  assert.deepEqual([last.values.length, last.next], [5, undefined]);
  assert.equal(last.values[0].content.raw, "c20");
});

Deno.test("fake Bitbucket: refuses what Bitbucket refuses, and records what Loom must not send", async () => {
  await using bb = await startFakeBitbucket();
  const pr = bb.addPullRequest({ repo: "ws/app", number: 1, diff: DIFF });
  const comments = `${bb.url}/repositories/ws/app/pullrequests/1/comments`;
  const post = (body: unknown) => call(comments, { method: "POST", body: JSON.stringify(body) });
  const content = { raw: "x" };
  const refusals = [
    await post({ type: "pullrequest_comment", content }),
    await post({ content: { raw: "" } }),
    await post({ content, inline: { path: "a.ts", to: null } }),
    await post({ content, inline: { path: "a.ts", start_to: 3, to: 2 } }),
    await post({ content, inline: { path: "a.ts", to: 9 } }),
  ];
  assert.deepEqual(refusals.map((r) => r.status), [400, 400, 400, 400, 400]);
  assert.deepEqual(
    // deno-lint-ignore no-explicit-any
    refusals.map((r) => Object.keys((r.json as any).error.fields)),
    [["type"], ["content"], ["inline.to"], ["inline.start_to"], ["inline"]],
  );
  const ok = await post({ content, inline: { path: "a.ts", start_to: 1, to: 2 } });
  assert.equal(ok.status, 201);
  assert.equal(bb.violations.length, 1);
  assert.match(bb.violations[0], /a\.ts:9, outside the diff/);

  const theirs = bb.addComment("ws/app", 1, "mine");
  const edit = await call(`${comments}/${theirs.id}`, {
    method: "PUT",
    body: JSON.stringify({ content }),
  });
  assert.equal(edit.status, 403);

  const status = (hash: string, body: unknown) =>
    call(`${bb.url}/repositories/ws/app/commit/${hash}/statuses/build`, {
      method: "POST",
      body: JSON.stringify(body),
    });
  const noUrl = await status(pr.headSha, { key: "k", state: "SUCCESSFUL" });
  assert.equal(noUrl.status, 400);
  // deno-lint-ignore no-explicit-any
  assert.deepEqual(Object.keys((noUrl.json as any).error.fields), ["url"]);
  const short = await status(pr.headSha.slice(0, 12), { key: "k", state: "SUCCESSFUL", url: "u" });
  assert.equal(short.status, 404);
  assert.match(bb.violations[1], /abbreviated hash/);
  const good = await status(pr.headSha, { key: "k", state: "SUCCESSFUL", url: "https://x" });
  assert.equal(good.status, 201);
  assert.deepEqual(bb.statuses("ws/app", pr.headSha).map((s) => s.state), ["SUCCESSFUL"]);

  // A branch with a slash cannot be named in src/{commit}/{path}.
  bb.setFile("ws/app", "release/1.0", "f.txt", "text");
  assert.equal((await call(`${bb.url}/repositories/ws/app/src/release/1.0/f.txt`)).status, 404);
});

Deno.test("fake Bitbucket: deliveries are signed with sha256 HMAC of the body, unsigned without a secret", async () => {
  const payload = { pullrequest: { id: 1 }, title: "café" };
  const signed = await bitbucketWebhook({
    secret: "s3cret",
    event: "pullrequest:created",
    payload,
  });
  const expected = createHmac("sha256", "s3cret").update(signed.body).digest("hex");
  assert.equal(signed.headers["x-hub-signature"], `sha256=${expected}`);
  assert.equal(signed.headers["x-event-key"], "pullrequest:created");
  assert.match(signed.headers["x-request-uuid"], /^[0-9a-f-]{36}$/);
  const unsigned = await bitbucketWebhook({ event: "pullrequest:created", payload });
  assert.equal("x-hub-signature" in unsigned.headers, false);
});

Deno.test("fake Bitbucket: merge-base and the two-dot diff take the abbreviated hashes deliveries carry", async () => {
  await using bb = await startFakeBitbucket({ token: TOKEN });
  const pr = bb.addPullRequest({ repo: "ws/app", number: 1 });
  const next = bb.commits.commit(pr.headSha, { "a.ts": "two\n" });
  bb.updatePullRequest("ws/app", 1, { headSha: next });
  const [from, to] = [pr.headSha.slice(0, 12), next.slice(0, 12)];
  const repo = `${bb.url}/repositories/ws/app`;
  const base = await call(`${repo}/merge-base/${from}..${to}`);
  assert.equal(base.status, 200, base.text);
  assert.equal((base.json as { hash: string }).hash, pr.headSha);
  const diff = await call(`${repo}/diff/${to}..${from}?topic=false`);
  assert.deepEqual([diff.status, diff.text], [200, bb.commits.diff(pr.headSha, next)]);
  const unknown = await call(`${repo}/merge-base/${"0".repeat(12)}..${to}`);
  assert.equal(unknown.status, 404);
});
