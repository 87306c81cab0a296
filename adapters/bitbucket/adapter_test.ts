import assert from "node:assert/strict";
import {
  bitbucketFailure,
  bitbucketWebhook,
  type FakeBitbucket,
  type FakeBitbucketOptions,
  startFakeBitbucket,
} from "../../tests/fakes/bitbucket/server.ts";
import {
  comment,
  platformError,
  SAMPLE_DIFF as DIFF,
} from "../../tests/support/adapter_test_kit.ts";
import { type BitbucketAdapterOptions, createBitbucketAdapter } from "./adapter.ts";
import type { GitAdapter, PlatformError, PullRequest, RepoRef } from "../../src/platform/mod.ts";

const TOKEN = "bb-access-token-s3cret-0123456789";
const EMAIL = "loom@example.com";
const API_TOKEN = "ATATT3xFfGF0-user-api-token-s3cret";
const SECRET = "webhook-secret";
const HEAD = "d3022fc0ca3d" + "1".repeat(28);
const BASE = "ce5965ddd289" + "2".repeat(28);
const REPO: RepoRef = { platform: "bitbucket", fullName: "ws/app" };

interface Env extends AsyncDisposable {
  bitbucket: FakeBitbucket;
  adapter: GitAdapter;
  pr: PullRequest;
}

/** A fake Bitbucket with pull request ws/app#7 and an adapter using an access token. */
async function setup(
  adapterOptions: Partial<BitbucketAdapterOptions> = {},
  fakeOptions: FakeBitbucketOptions = { token: TOKEN },
): Promise<Env> {
  const bitbucket = await startFakeBitbucket(fakeOptions);
  bitbucket.addPullRequest({
    repo: "ws/app",
    number: 7,
    title: "Parameterise find",
    description: "Fixes the SQL.",
    headSha: HEAD,
    baseSha: BASE,
    headRef: "fix-sql",
    baseRef: "main",
    author: { display_name: "Emma", nickname: "emmap1" },
    diff: DIFF,
  });
  const adapter = createBitbucketAdapter({
    apiUrl: bitbucket.url,
    webhookSecret: SECRET,
    token: TOKEN,
    ...adapterOptions,
  });
  const pr = await adapter.getPullRequest(REPO, 7);
  return { bitbucket, adapter, pr, [Symbol.asyncDispose]: () => bitbucket.close() };
}

const request = (headers: Record<string, string>) =>
  new Request("http://loom/webhooks/bitbucket", { method: "POST", headers });

Deno.test("verifyWebhook accepts Bitbucket's X-Hub-Signature over the raw bytes and nothing else", async () => {
  const adapter = createBitbucketAdapter({
    apiUrl: "http://127.0.0.1:9/2.0",
    webhookSecret: SECRET,
  });
  const delivery = await bitbucketWebhook({
    secret: SECRET,
    event: "pullrequest:created",
    payload: { title: "Ünïcode ✨" },
    deliveryId: "d-1",
  });
  const raw = new TextEncoder().encode(delivery.body);
  const { "x-hub-signature": signature, ...unsigned } = delivery.headers;
  assert.match(signature, /^sha256=[0-9a-f]{64}$/);

  assert.equal(await adapter.verifyWebhook(request(delivery.headers), raw), true);
  const upper = {
    ...delivery.headers,
    "x-hub-signature": "sha256=" + signature.slice(7).toUpperCase(),
  };
  assert.equal(await adapter.verifyWebhook(request(upper), raw), true, "hex is case-insensitive");
  const tampered = new TextEncoder().encode(delivery.body.replace("Ünïcode", "Unicode"));
  assert.equal(await adapter.verifyWebhook(request(delivery.headers), tampered), false);
  assert.equal(await adapter.verifyWebhook(request(unsigned), raw), false, "no secret header");
  for (
    const bad of ["", "sha256=", signature.slice(7), "sha1=" + signature.slice(7), signature + "00"]
  ) {
    assert.equal(
      await adapter.verifyWebhook(request({ ...unsigned, "x-hub-signature": bad }), raw),
      false,
      bad,
    );
  }
  const other = await bitbucketWebhook({
    secret: "other",
    event: "pullrequest:created",
    payload: {},
  });
  assert.equal(
    await adapter.verifyWebhook(request(other.headers), new TextEncoder().encode(other.body)),
    false,
  );
  const noSecret = createBitbucketAdapter({ apiUrl: "http://127.0.0.1:9/2.0", webhookSecret: "" });
  assert.equal(await noSecret.verifyWebhook(request(delivery.headers), raw), false);

  assert.equal(adapter.deliveryId(request(delivery.headers), new Uint8Array()), "d-1");
  assert.equal(adapter.deliveryId(request({}), new Uint8Array()), null);
});

Deno.test("getPullRequest sends the access token and maps the pull request, heads cut to 12", async () => {
  await using env = await setup();
  assert.deepEqual(env.pr, {
    number: 7,
    title: "Parameterise find",
    description: "Fixes the SQL.",
    headSha: HEAD.slice(0, 12),
    baseSha: BASE.slice(0, 12),
    headRef: "fix-sql",
    baseRef: "main",
    draft: false,
    state: "open",
    author: "emmap1",
  });
  const sent = env.bitbucket.requests[0];
  assert.equal(sent.path, "/repositories/ws/app/pullrequests/7");
  assert.equal(sent.headers["authorization"], `Bearer ${TOKEN}`);
  assert.equal(sent.headers["accept"], "application/json");
  assert.equal(sent.headers["user-agent"], "loom");

  env.bitbucket.updatePullRequest("ws/app", 7, { state: "MERGED" });
  assert.equal((await env.adapter.getPullRequest(REPO, 7)).state, "merged");
  env.bitbucket.updatePullRequest("ws/app", 7, { state: "DECLINED", draft: true });
  const declined = await env.adapter.getPullRequest(REPO, 7);
  assert.deepEqual([declined.state, declined.draft], ["closed", true]);
});

Deno.test("a user API token is sent as Basic email:token", async () => {
  await using env = await setup(
    { token: undefined, user: { email: EMAIL, apiToken: API_TOKEN } },
    { user: { email: EMAIL, apiToken: API_TOKEN } },
  );
  assert.equal(env.pr.number, 7);
  assert.equal(
    env.bitbucket.requests[0].headers["authorization"],
    `Basic ${btoa(`${EMAIL}:${API_TOKEN}`)}`,
  );
  const wrong = createBitbucketAdapter({
    apiUrl: env.bitbucket.url,
    webhookSecret: SECRET,
    user: { email: EMAIL, apiToken: "not-it" },
  });
  const denied = await platformError(wrong.getPullRequest(REPO, 7));
  assert.deepEqual([denied.status, denied.retryable], [401, false]);
  assert.match(denied.message, /^Bitbucket rejected the credentials \(401: Unauthorized\)/);
});

Deno.test("fetchDiff follows the 302 by hand, with the credentials, below the API URL", async () => {
  await using env = await setup();
  assert.equal(await env.adapter.fetchDiff(REPO, env.pr), DIFF);
  const [redirect, diff] = env.bitbucket.requests.slice(-2);
  assert.equal(redirect.path, "/repositories/ws/app/pullrequests/7/diff");
  assert.match(diff.path, /^\/repositories\/ws\/app\/diff\/ws\/app:d3022fc0ca3d%0Dce5965ddd289$/);
  assert.deepEqual(diff.query, { from_pullrequest_id: "7", topic: "true" });
  assert.equal(redirect.headers["authorization"], `Bearer ${TOKEN}`);
  assert.equal(diff.headers["authorization"], `Bearer ${TOKEN}`, "the second hop is authorized");
});

Deno.test("a redirect or a next link outside the API URL is refused: the token never leaves", async () => {
  const elsewhere: Record<string, string>[] = [];
  const other = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    elsewhere.push(Object.fromEntries(req.headers));
    return new Response("diff --git a/x b/x\n");
  });
  try {
    await using env = await setup({}, {
      token: TOKEN,
      diffRedirectBase: `http://127.0.0.1:${other.addr.port}/2.0`,
    });
    const error = await platformError(env.adapter.fetchDiff(REPO, env.pr));
    assert.deepEqual([error.status, error.retryable], [302, false]);
    assert.match(error.message, /redirected outside the API URL/);

    // A `next` link to the same host but outside /2.0 is refused as well.
    env.bitbucket.failNext(
      bitbucketFailure.http(200, {
        pagelen: 100,
        values: [],
        next: `${new URL(env.bitbucket.url).origin}/other?page=2`,
      }),
    );
    const next = await platformError(env.adapter.listComments(REPO, env.pr));
    assert.match(next.message, /link outside the API URL/);
    assert.deepEqual(elsewhere, [], "nothing was sent to the other host");
    assert.ok(!env.bitbucket.requests.some((r) => r.path === "/other"));
  } finally {
    await other.shutdown();
  }
});

Deno.test("fetchFile reads src/{commit}/{path}, resolves a branch with a slash, null when absent", async () => {
  await using env = await setup();
  env.bitbucket.setFile("ws/app", "main", ".loom/config.yaml", "pipelines: []\n");
  env.bitbucket.setFile("ws/app", HEAD, "docs/my café #1.md", "# Café\n");
  env.bitbucket.setFile("ws/app", "release/2.0", ".loom/config.yaml", "release: true\n");

  assert.equal(await env.adapter.fetchFile(REPO, ".loom/config.yaml", "main"), "pipelines: []\n");
  assert.equal(
    env.bitbucket.requests.at(-1)?.path,
    "/repositories/ws/app/src/main/.loom/config.yaml",
  );
  assert.equal(await env.adapter.fetchFile(REPO, "docs/my café #1.md", HEAD), "# Café\n");
  assert.equal(await env.adapter.fetchFile(REPO, ".loom/config.yaml", "fix-sql"), null);

  assert.equal(
    await env.adapter.fetchFile(REPO, ".loom/config.yaml", "release/2.0"),
    "release: true\n",
  );
  const [branch, src] = env.bitbucket.requests.slice(-2);
  assert.equal(branch.path, "/repositories/ws/app/refs/branches/release/2.0");
  assert.match(src.path, /^\/repositories\/ws\/app\/src\/[0-9a-f]{40}\/\.loom\/config\.yaml$/);
  assert.equal(await env.adapter.fetchFile(REPO, ".loom/config.yaml", "no/such-branch"), null);
});

Deno.test("the summary is posted once with an invisible marker, edited in place, posted anew if deleted", async () => {
  await using env = await setup();
  const first = await env.adapter.postSummary(REPO, env.pr, "## Loom review\n\nNo findings.");
  const posted = env.bitbucket.comments("ws/app", 7);
  assert.equal(posted.length, 1);
  assert.equal(String(posted[0].id), first.id);
  assert.equal(posted[0].raw, "[loom-summary]: #\n\n## Loom review\n\nNo findings.");
  assert.equal(posted[0].inline, null);
  const sent = env.bitbucket.requests.at(-1)!;
  assert.deepEqual(Object.keys(sent.body), ["content"], "no type field, nothing but content");

  const edited = await env.adapter.postSummary(REPO, env.pr, "## Loom review\n\n1 warning.", first);
  assert.equal(edited.id, first.id);
  assert.equal(env.bitbucket.requests.at(-1)?.method, "PUT");
  assert.deepEqual(env.bitbucket.comments("ws/app", 7).map((c) => c.raw), [
    "[loom-summary]: #\n\n## Loom review\n\n1 warning.",
  ]);
  assert.deepEqual(await env.adapter.listComments(REPO, env.pr), [
    { id: first.id, kind: "summary", body: "## Loom review\n\n1 warning." },
  ]);

  env.bitbucket.deleteComment("ws/app", Number(first.id));
  assert.deepEqual(await env.adapter.listComments(REPO, env.pr), [], "a deleted summary is gone");
  const again = await env.adapter.postSummary(REPO, env.pr, "## Loom review\n\nBack.", edited);
  assert.notEqual(again.id, first.id);
  assert.deepEqual(await env.adapter.listComments(REPO, env.pr), [
    { id: again.id, kind: "summary", body: "## Loom review\n\nBack." },
  ]);
});

Deno.test("inline comments go out one by one with inline.to, ranges with start_to, suggestions as diffs", async () => {
  await using env = await setup();
  const suggestion =
    "Use a bound parameter.\n\nSuggested change for lines 4-5:\n\n```diff\n+  return sql`select * from t where id = ${id}`;\n```";
  const comments = [
    comment("src/db.ts", 5, "fp-range", { startLine: 4, body: suggestion }),
    comment("src/db.ts", 43, "fp-single", { startLine: 43 }),
    comment("README.md", 1, "fp-readme"),
  ];
  const result = await env.adapter.postInline(REPO, env.pr, comments);

  assert.deepEqual(result.rejected, []);
  const stored = env.bitbucket.comments("ws/app", 7);
  assert.deepEqual(stored.map((c) => c.inline), [
    { path: "src/db.ts", to: 5, from: null, start_to: 4 },
    { path: "src/db.ts", to: 43, from: null, start_to: null },
    { path: "README.md", to: 1, from: null, start_to: null },
  ]);
  assert.equal(stored[0].raw, `${suggestion}\n\n[loom-fp-fp-range]: #`);
  const posts = env.bitbucket.requests.filter((r) => r.method === "POST");
  assert.equal(posts.length, 3, "no batch: one request per comment");
  assert.deepEqual(posts[1].body.inline, { path: "src/db.ts", to: 43 }, "no start_to equal to to");
  assert.ok(posts.every((p) => !("type" in p.body) && !("from" in p.body.inline)));
  assert.deepEqual(
    result.posted,
    comments.map((c, i) => ({
      id: String(stored[i].id),
      kind: "inline",
      body: c.body,
      fingerprint: c.fingerprint,
      path: c.path,
      line: c.line,
    })),
  );
  const listed = await env.adapter.listComments(REPO, env.pr);
  assert.deepEqual(
    listed.map((c) => [c.kind, c.fingerprint, c.path, c.line, c.body]),
    comments.map((c) => ["inline", c.fingerprint, c.path, c.line, c.body]),
  );
  assert.deepEqual(env.bitbucket.violations, []);
});

Deno.test("an anchor outside the diff is rejected without being sent; the others land", async () => {
  await using env = await setup();
  const good = comment("src/db.ts", 4, "fp-good");
  const outside = comment("src/db.ts", 20, "fp-outside");
  const inverted = comment("src/db.ts", 4, "fp-inverted", { startLine: 6 });
  const acrossHunks = comment("src/db.ts", 43, "fp-across", { startLine: 5 });
  const unknown = comment("src/other.ts", 1, "fp-unknown");
  const alsoGood = comment("README.md", 2, "fp-also", { startLine: 1 });
  const result = await env.adapter.postInline(REPO, env.pr, [
    good,
    outside,
    inverted,
    acrossHunks,
    unknown,
    alsoGood,
  ]);

  assert.deepEqual(result.rejected, [
    { comment: outside, reason: "line 20 of src/db.ts is not part of the diff" },
    { comment: inverted, reason: "the range 6-4 of src/db.ts starts after it ends" },
    { comment: acrossHunks, reason: "lines 5-43 of src/db.ts are not in one hunk of the diff" },
    { comment: unknown, reason: "src/other.ts is not a file of the diff" },
  ]);
  assert.deepEqual(result.posted.map((p) => p.fingerprint), ["fp-good", "fp-also"]);
  const posts = env.bitbucket.requests.filter((r) => r.method === "POST");
  assert.deepEqual(posts.map((p) => p.body.inline), [
    { path: "src/db.ts", to: 4 },
    { path: "README.md", to: 2, start_to: 1 },
  ]);
  assert.deepEqual(env.bitbucket.violations, []);
});

Deno.test("a comment Bitbucket refuses with 400 is rejected with its message; other failures throw", async () => {
  await using env = await setup();
  env.bitbucket.failNext(
    bitbucketFailure.http(400, {
      type: "error",
      error: { message: "Bad request", fields: { inline: ["Line 4 is outdated."] } },
    }),
    { method: "POST", path: /\/comments$/ },
  );
  const refused = comment("src/db.ts", 4, "fp-refused");
  const result = await env.adapter.postInline(REPO, env.pr, [
    refused,
    comment("src/db.ts", 5, "fp-ok"),
  ]);
  assert.deepEqual(result.rejected, [{
    comment: refused,
    reason: "Bad request: inline: Line 4 is outdated.",
  }]);
  assert.deepEqual(result.posted.map((p) => p.fingerprint), ["fp-ok"]);

  env.bitbucket.failNext(bitbucketFailure.serverError(503), {
    method: "POST",
    path: /\/comments$/,
  });
  const error = await platformError(
    env.adapter.postInline(REPO, env.pr, [comment("src/db.ts", 6, "fp")]),
  );
  assert.deepEqual([error.status, error.retryable], [503, true]);
});

Deno.test("429 is retryable after Retry-After, or after a minute without it; 5xx and network too", async () => {
  await using env = await setup();
  env.bitbucket.failNext(bitbucketFailure.rateLimited(7));
  const asked = await platformError(env.adapter.getPullRequest(REPO, 7));
  assert.deepEqual([asked.status, asked.retryable, asked.retryAfterMs], [429, true, 7_000]);
  assert.match(asked.message, /rate limit .*Rate limit for this resource has been exceeded/);

  env.bitbucket.failNext(bitbucketFailure.rateLimited());
  const silent = await platformError(env.adapter.fetchDiff(REPO, env.pr));
  assert.deepEqual([silent.status, silent.retryable, silent.retryAfterMs], [429, true, 60_000]);

  // The rate limit on the second hop of the diff is reported the same way.
  env.bitbucket.failNext(bitbucketFailure.rateLimited(2), { path: /\/diff\// });
  const hop = await platformError(env.adapter.fetchDiff(REPO, env.pr));
  assert.deepEqual([hop.status, hop.retryAfterMs], [429, 2_000]);

  env.bitbucket.failNext(bitbucketFailure.serverError(502));
  const bad = await platformError(env.adapter.listComments(REPO, env.pr));
  assert.deepEqual([bad.status, bad.retryable, bad.retryAfterMs], [502, true, undefined]);

  const closed = await startFakeBitbucket();
  await closed.close();
  const offline = createBitbucketAdapter({
    apiUrl: closed.url,
    webhookSecret: SECRET,
    token: TOKEN,
  });
  const network = await platformError(offline.getPullRequest(REPO, 7));
  assert.deepEqual([network.status, network.retryable], [0, true]);
  assert.match(network.message, /could not be reached/);
});

Deno.test("a missing pull request and missing scopes are permanent, with clear messages", async () => {
  await using env = await setup();
  const missing = await platformError(env.adapter.getPullRequest(REPO, 99));
  assert.equal(
    missing.message,
    "pull request ws/app#99 not found (or the credentials cannot see it)",
  );
  assert.deepEqual([missing.status, missing.retryable], [404, false]);

  env.bitbucket.failNext(bitbucketFailure.http(403, {
    type: "error",
    error: {
      message: "Your credentials lack one or more required privilege scopes.",
      detail: { granted: ["repository"], required: ["pullrequest:write"] },
    },
  }));
  const forbidden = await platformError(env.adapter.postSummary(REPO, env.pr, "x"));
  assert.deepEqual([forbidden.status, forbidden.retryable], [403, false]);
  assert.match(
    forbidden.message,
    /lack one or more required privilege scopes.*required scopes: pullrequest:write/,
  );

  const badName = await platformError(env.adapter.getPullRequest({ ...REPO, fullName: "nope" }, 7));
  assert.match(badName.message, /not a Bitbucket workspace\/repo_slug/);
});

Deno.test("no error message or stack ever carries a credential", async () => {
  for (
    const credentials of [{ token: TOKEN }, {
      token: undefined,
      user: { email: EMAIL, apiToken: API_TOKEN },
    }]
  ) {
    await using env = await setup(credentials, {});
    const errors: PlatformError[] = [];
    for (
      const failure of [
        bitbucketFailure.rateLimited(1),
        bitbucketFailure.serverError(),
        bitbucketFailure.http(401, { type: "error", error: { message: "Unauthorized" } }),
        bitbucketFailure.http(400, "plain text"),
      ]
    ) {
      env.bitbucket.failNext(failure);
      errors.push(await platformError(env.adapter.getPullRequest(REPO, 7)));
    }
    errors.push(await platformError(env.adapter.getPullRequest(REPO, 404)));
    const closed = await startFakeBitbucket();
    await closed.close();
    const offline = createBitbucketAdapter({
      apiUrl: closed.url,
      webhookSecret: SECRET,
      ...credentials,
    });
    errors.push(await platformError(offline.fetchFile(REPO, "a", "main")));
    assert.equal(errors.length, 6);
    const basic = btoa(`${EMAIL}:${API_TOKEN}`);
    for (const e of errors) {
      const text = `${e.message}\n${e.stack}`;
      for (const secret of [TOKEN, API_TOKEN, basic, TOKEN.slice(3, 20), API_TOKEN.slice(6, 20)]) {
        assert.ok(!text.includes(secret), e.message);
      }
    }
  }
});

Deno.test("listComments follows next across pages of 100 and keeps only Loom's live comments", async () => {
  await using env = await setup();
  for (let i = 0; i < 230; i++) env.bitbucket.addComment("ws/app", 7, `comment ${i}`);
  env.bitbucket.addComment("ws/app", 7, "Quoting Loom: [loom-summary]: # is how it marks itself");
  env.bitbucket.addComment("ws/app", 7, "x\n\n[loom-fp-abc]: #", {
    inline: { path: "README.md", to: 1 },
  });
  const summary = await env.adapter.postSummary(REPO, env.pr, "Summary text");
  const many = Array.from({ length: 15 }, (_, i) => comment("src/db.ts", 1 + (i % 6), `fp-${i}`));
  await env.adapter.postInline(REPO, env.pr, many);
  env.bitbucket.deleteComment("ws/app", Number(env.bitbucket.comments("ws/app", 7).at(-1)!.id));

  const listed = await env.adapter.listComments(REPO, env.pr);
  assert.deepEqual(listed.filter((c) => c.kind === "summary"), [
    { id: summary.id, kind: "summary", body: "Summary text" },
  ]);
  assert.deepEqual(
    listed.filter((c) => c.kind === "inline").map((c) => c.fingerprint),
    ["abc", ...many.slice(0, 14).map((c) => c.fingerprint)],
  );
  const pages = env.bitbucket.requests.filter((r) =>
    r.method === "GET" && r.path === "/repositories/ws/app/pullrequests/7/comments"
  );
  assert.deepEqual(pages.map((r) => [r.query.pagelen, r.query.page ?? "1"]), [
    ["100", "1"],
    ["100", "2"],
    ["100", "3"],
  ]);
});

Deno.test("setStatus looks the full hash up once and posts the loom build status", async () => {
  await using env = await setup();
  await env.adapter.setStatus(REPO, env.pr, { state: "pending", description: "Loom is reviewing" });
  await env.adapter.setStatus(REPO, env.pr, {
    state: "failure",
    description: "2 blockers: " + "x".repeat(300),
    targetUrl: "https://loom.example/reviews/1",
  });
  await env.adapter.setStatus(REPO, env.pr, { state: "success", description: "ok" });
  await env.adapter.setStatus(REPO, env.pr, { state: "error", description: "config errors" });

  const lookups = env.bitbucket.requests.filter((r) =>
    r.path.includes("/commit/") && r.method === "GET"
  );
  assert.deepEqual(lookups.map((r) => r.path), [
    `/repositories/ws/app/commit/${HEAD.slice(0, 12)}`,
  ]);
  const history = env.bitbucket.statusHistory("ws/app", HEAD);
  assert.deepEqual(history.map((s) => [s.key, s.state, s.name]), [
    ["loom", "INPROGRESS", "Loom"],
    ["loom", "FAILED", "Loom"],
    ["loom", "SUCCESSFUL", "Loom"],
    ["loom", "STOPPED", "Loom"],
  ]);
  assert.equal(history[0].url, "https://bitbucket.org/ws/app/pull-requests/7", "the pull request");
  assert.equal(history[1].url, "https://loom.example/reviews/1");
  assert.equal(history[1].description?.length, 255);
  assert.ok(history[1].description?.endsWith("…"));
  assert.deepEqual(
    env.bitbucket.statuses("ws/app", HEAD).map((s) => s.state),
    ["STOPPED"],
    "one per key",
  );
  assert.deepEqual(env.bitbucket.violations, []);

  const unknown = await platformError(
    env.adapter.setStatus(REPO, { ...env.pr, headSha: "0123456789ab" }, {
      state: "success",
      description: "",
    }),
  );
  assert.deepEqual([unknown.status, unknown.retryable], [404, false]);
  assert.match(unknown.message, /commit 0123456789ab not found in ws\/app/);
});

Deno.test("postComment answers with the reply marker, and the answer is never read as a command", async () => {
  await using env = await setup();
  await env.adapter.postComment(REPO, env.pr, "/loom review — re-runs the review.");
  const [answer] = env.bitbucket.comments("ws/app", 7);
  assert.equal(answer.raw, "[loom-reply]: #\n\n/loom review — re-runs the review.");
  const delivery = await bitbucketWebhook({
    secret: SECRET,
    event: "pullrequest:comment_created",
    payload: env.bitbucket.commentPayload("ws/app", 7, answer.raw),
  });
  const event = env.adapter.parseEvent(
    request(delivery.headers),
    new TextEncoder().encode(delivery.body),
  );
  assert.deepEqual(event, { type: "ignored", reason: "the comment is Loom's own" });
});
