import assert from "node:assert/strict";
import {
  bitbucketFailure,
  bitbucketWebhook,
  type FakeBitbucket,
  type FakeBitbucketOptions,
  startFakeBitbucket,
} from "../../tests/fakes/bitbucket/server.ts";
import * as kit from "../../tests/support/adapter_test_kit.ts";
import * as contract from "../../tests/support/adapter_contract.ts";
import { runCompareContract } from "../../tests/support/compare_contract.ts";
import { pullRequestPayload } from "../../tests/fakes/bitbucket/payloads.ts";
import { type BitbucketAdapterOptions, createBitbucketAdapter } from "./adapter.ts";
import type { RepoRef } from "../../src/platform/mod.ts";

const { comment, OUTSIDE_DIFF, platformError, SAMPLE_DIFF, WEBHOOK_SECRET: SECRET } = kit;
const TOKEN = "bb-access-token-s3cret-0123456789";
const EMAIL = "loom@example.com";
const API_TOKEN = "ATATT3xFfGF0-user-api-token-s3cret";
/** Bitbucket shows a commit by 12 characters: each sha's prefix is its own. */
const HEAD = "d3022fc0ca3d" + "1".repeat(28);
const BASE = "ce5965ddd289" + "2".repeat(28);
const REPO: RepoRef = { platform: "bitbucket", fullName: "ws/app" };

interface Env extends contract.ContractEnv {
  bitbucket: FakeBitbucket;
  credentials: Partial<BitbucketAdapterOptions>;
}

/** A fake Bitbucket with pull request ws/app#7 and an adapter using an access token. */
async function setup(
  adapterOptions: Partial<BitbucketAdapterOptions> = {},
  fakeOptions: FakeBitbucketOptions = { token: TOKEN },
): Promise<Env> {
  const bitbucket = await startFakeBitbucket(fakeOptions);
  bitbucket.addPullRequest({
    ...kit.SEED,
    repo: "ws/app",
    headSha: HEAD,
    baseSha: BASE,
    author: { display_name: "Emma", nickname: "emmap1" },
  });
  const adapter = createBitbucketAdapter({
    apiUrl: bitbucket.url,
    webhookSecret: SECRET,
    token: TOKEN,
    ...adapterOptions,
  });
  return {
    ...await contract.contractEnv(bitbucket, adapter, REPO),
    bitbucket,
    credentials: { token: TOKEN, ...adapterOptions },
  };
}

const SUGGESTION = "Use a bound parameter.\n\nSuggested change for lines 4-5:\n\n" +
  "```diff\n+  return sql`select * from t where id = ${id}`;\n```";
const STATES = {
  pending: "INPROGRESS",
  failure: "FAILED",
  success: "SUCCESSFUL",
  error: "STOPPED",
};
const USER = { token: undefined, user: { email: EMAIL, apiToken: API_TOKEN } };

runCompareContract<Env>({
  platform: "Bitbucket",
  setup: () => setup(),
  setupWithDiffLimit: (maxDiffBytes) => setup({ maxDiffBytes }),
  commits: (env) => env.bitbucket.commits,
  readsDiff: (req) => /\/diff\//.test(req.path),
  exactDiff: true,
  // Bitbucket Cloud has no labels on pull requests.
  setLabels: null,
  seeded: () => ({ head: HEAD, base: BASE }),
  named: (sha) => sha.slice(0, 12),
});

contract.runAdapterContract<Env, ReturnType<typeof bitbucketFailure.http>>({
  platform: "Bitbucket",
  setup: (kind) => kind === "user" ? setup(USER, { user: USER.user }) : setup(),
  credentialKinds: ["token", "user"],
  setupWithDiffLimit: (maxDiffBytes) => setup({ maxDiffBytes }),
  async offline(env) {
    return createBitbucketAdapter({
      apiUrl: await kit.closedUrl(startFakeBitbucket),
      webhookSecret: SECRET,
      ...env.credentials,
    });
  },
  secrets: [TOKEN, API_TOKEN, btoa(`${EMAIL}:${API_TOKEN}`)],
  pullRequest: {
    // Bitbucket's pull requests name their commits by 12 characters.
    author: "emmap1",
    expected: () => ({ headSha: HEAD.slice(0, 12), baseSha: BASE.slice(0, 12) }),
    firstCall: () => ({
      path: "/repositories/ws/app/pullrequests/7",
      headers: { authorization: `Bearer ${TOKEN}`, accept: "application/json" },
    }),
    update: (env, change) =>
      env.bitbucket.updatePullRequest(
        "ws/app",
        7,
        change === "merged"
          ? { state: "MERGED" }
          : change === "closed"
          ? { state: "DECLINED" }
          : { draft: true },
      ),
    missing: {
      number: 99,
      message: "pull request ws/app#99 not found (or the credentials cannot see it)",
    },
  },
  permissions(env) {
    const person = (nickname: string, n: number) => ({
      display_name: nickname,
      nickname,
      account_id: `557058:${n}`,
      uuid: `{00000000-0000-4000-8000-00000000000${n}}`,
    });
    env.bitbucket.grant(env.repo.fullName, person("maintainer", 1), "write");
    env.bitbucket.grant(env.repo.fullName, person("watcher", 2), "read");
    return {
      writer: { name: "maintainer", id: "557058:1" },
      reader: { name: "watcher", id: "{00000000-0000-4000-8000-000000000002}" },
      stranger: { name: "stranger" },
    };
  },
  failures: {
    serverError: { failure: bitbucketFailure.serverError(502), status: 502 },
    rateLimits: [
      {
        failure: bitbucketFailure.rateLimited(7),
        status: 429,
        retryAfterMs: 7_000,
        message: /rate limit .*Rate limit for this resource has been exceeded/,
      },
      {
        // Without Retry-After: a minute.
        failure: bitbucketFailure.rateLimited(),
        call: (env) => env.adapter.fetchDiff(env.repo, env.pr),
        status: 429,
        retryAfterMs: 60_000,
      },
      {
        // The rate limit on the second hop of the diff is reported the same way.
        failure: bitbucketFailure.rateLimited(2),
        match: { path: /\/diff\// },
        call: (env) => env.adapter.fetchDiff(env.repo, env.pr),
        status: 429,
        retryAfterMs: 2_000,
      },
    ],
    leaky: [
      bitbucketFailure.rateLimited(1),
      bitbucketFailure.serverError(),
      bitbucketFailure.http(401, { type: "error", error: { message: "Unauthorized" } }),
      bitbucketFailure.http(400, "plain text"),
    ],
  },
  diff: { expected: () => SAMPLE_DIFF, exact: true },
  files: (env) =>
    contract.seededFiles((f) => env.bitbucket.setFile("ws/app", f.ref, f.path, f.text), HEAD, [
      { path: ".loom/config.yaml", ref: "fix-sql" },
      { path: ".loom/config.yaml", ref: "no/such-branch" },
    ]),
  summary: {
    stored: (env) =>
      // Bitbucket keeps a deleted comment, marked deleted.
      env.bitbucket.comments("ws/app", 7).filter((c) => !c.deleted).map((c) => ({
        id: String(c.id),
        body: c.raw,
      })),
    // An invisible link-reference marker: Bitbucket's markdown has no HTML comments.
    raw: (text) => `[loom-summary]: #\n\n${text}`,
    remove: (env, id) => env.bitbucket.deleteComment("ws/app", Number(id)),
    onPosted(env) {
      assert.equal(env.bitbucket.comments("ws/app", 7)[0].inline, null);
      const sent = env.bitbucket.requests.at(-1)!;
      assert.deepEqual(Object.keys(sent.body), ["content"], "no type field, nothing but content");
    },
    onEdited: (env) => assert.equal(env.bitbucket.requests.at(-1)?.method, "PUT"),
  },
  inline: {
    landing: kit.landingComments(SUGGESTION),
    anchors: (env) =>
      env.bitbucket.comments("ws/app", 7).map((c) => ({
        path: c.inline!.path,
        line: c.inline!.to!,
        startLine: c.inline!.start_to ?? null,
      })),
    ids: (env) => env.bitbucket.comments("ws/app", 7).map((c) => String(c.id)),
    onPosted(env) {
      const stored = env.bitbucket.comments("ws/app", 7);
      assert.deepEqual(stored.map((c) => c.inline?.from), [null, null, null]);
      assert.equal(stored[0].raw, `${SUGGESTION}\n\n[loom-fp-fp-range]: #`);
      const posts = env.bitbucket.requests.filter((r) => r.method === "POST");
      assert.equal(posts.length, 3, "no batch: one request per comment");
      assert.deepEqual(
        posts[1].body.inline,
        { path: "src/db.ts", to: 43 },
        "no start_to equal to to",
      );
      assert.ok(posts.every((p) => !("type" in p.body) && !("from" in p.body.inline)));
      assert.deepEqual(env.bitbucket.violations, []);
    },
    refusals: {
      good: kit.AROUND_REFUSED,
      refused: [
        {
          comment: OUTSIDE_DIFF,
          reason: "line 20 of src/db.ts is not part of the diff",
        },
        {
          comment: comment("src/db.ts", 4, "fp-inverted", { startLine: 6 }),
          reason: "the range 6-4 of src/db.ts starts after it ends",
        },
        {
          comment: comment("src/db.ts", 43, "fp-across", { startLine: 5 }),
          reason: "lines 5-43 of src/db.ts are not in one hunk of the diff",
        },
        {
          comment: comment("src/other.ts", 1, "fp-unknown"),
          reason: "src/other.ts is not a file of the diff",
        },
      ],
    },
    onRefused(env) {
      const posts = env.bitbucket.requests.filter((r) => r.method === "POST");
      assert.deepEqual(posts.map((p) => p.body.inline), [
        { path: "src/db.ts", to: 4 },
        { path: "README.md", to: 2, start_to: 1 },
      ]);
      assert.deepEqual(env.bitbucket.violations, []);
    },
    serverError: {
      failure: bitbucketFailure.serverError(503),
      path: /\/comments$/,
      comment: comment("src/db.ts", 6, "fp"),
    },
  },
  pagination: {
    others: { count: 230, add: (env, body) => void env.bitbucket.addComment("ws/app", 7, body) },
    quote: "Quoting Loom: [loom-summary]: # is how it marks itself",
    seed(env) {
      // Loom's own, from an earlier run: a foreign one would not count (issue 10).
      env.bitbucket.addComment("ws/app", 7, "x\n\n[loom-fp-abc]: #", {
        inline: { path: "README.md", to: 1 },
        user: env.bitbucket.bot,
      });
    },
    inline: kit.manyComments(15, "src/db.ts", 6),
    afterPost: (env) =>
      env.bitbucket.deleteComment("ws/app", Number(env.bitbucket.comments("ws/app", 7).at(-1)!.id)),
    fingerprints: ["abc", ...Array.from({ length: 14 }, (_, i) => `fp-${i}`)],
    check(env) {
      const pages = env.bitbucket.requests.filter((r) =>
        r.method === "GET" && r.path === "/repositories/ws/app/pullrequests/7/comments"
      );
      assert.deepEqual(pages.map((r) => [r.query.pagelen, r.query.page ?? "1"]), [
        ["100", "1"],
        ["100", "2"],
        ["100", "3"],
      ]);
    },
  },
  foreign: {
    summary(env, raw) {
      const { id } = env.bitbucket.addComment("ws/app", 7, raw);
      return { id: String(id), text: () => env.bitbucket.comments("ws/app", 7)[0].raw };
    },
    inline(env, fingerprint) {
      env.bitbucket.addComment("ws/app", 7, `Nothing to fix.\n\n[loom-fp-${fingerprint}]: #`, {
        inline: { path: "src/db.ts", to: 4 },
      });
    },
    editRefused: true,
  },
  status: {
    read: (env) =>
      env.bitbucket.statusHistory("ws/app", HEAD).map((
        s,
      ) => [s.key, s.state, s.description, s.url]),
    // Without a target, the status links to the pull request.
    expected: (s) => [
      "loom",
      STATES[s.state],
      s.description,
      s.targetUrl ?? "https://bitbucket.org/ws/app/pull-requests/7",
    ],
  },
  webhook: {
    delivery: (signed) =>
      contract.signedDelivery(signed, "x-hub-signature", (secret) =>
        bitbucketWebhook({
          secret,
          event: "pullrequest:created",
          payload: pullRequestPayload({
            repo: "ws/app",
            id: 7,
            headHash: HEAD,
            baseHash: BASE,
            headRef: "fix-sql",
            baseRef: "main",
          }),
          deliveryId: "d-1",
        })),
    deliveryId: "d-1",
    unconfigured: () =>
      createBitbucketAdapter({ apiUrl: "http://127.0.0.1:9/2.0", webhookSecret: "" }),
  },
});

Deno.test("verifyWebhook reads Bitbucket's X-Hub-Signature over the raw bytes, hex in any case, nothing else", async () => {
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
  const { "x-hub-signature": signature, ...unsigned } = delivery.headers;
  assert.match(signature, /^sha256=[0-9a-f]{64}$/);
  const signedAs = (value: string) => ({
    ...delivery,
    headers: { ...unsigned, "x-hub-signature": value },
  });

  assert.equal(await kit.verifyHook(adapter, delivery), true);
  const upper = signedAs("sha256=" + signature.slice(7).toUpperCase());
  assert.equal(await kit.verifyHook(adapter, upper), true, "hex is case-insensitive");
  const tampered = kit.bytes(delivery.body.replace("Ünïcode", "Unicode"));
  assert.equal(await kit.verifyHook(adapter, delivery, tampered), false);
  for (
    const bad of ["", "sha256=", signature.slice(7), "sha1=" + signature.slice(7), signature + "00"]
  ) {
    assert.equal(await kit.verifyHook(adapter, signedAs(bad)), false, bad);
  }
  const other = await bitbucketWebhook({
    secret: "other",
    event: "pullrequest:created",
    payload: {},
  });
  assert.equal(await kit.verifyHook(adapter, other), false);
});

Deno.test("getPullRequest reads a declined draft as closed and draft", async () => {
  await using env = await setup();
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
  assert.equal(await env.adapter.fetchDiff(REPO, env.pr), SAMPLE_DIFF);
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
      { path: /\/comments$/ },
    );
    const next = await platformError(env.adapter.listComments(REPO, env.pr));
    assert.match(next.message, /link outside the API URL/);
    assert.deepEqual(elsewhere, [], "nothing was sent to the other host");
    assert.ok(!env.bitbucket.requests.some((r) => r.path === "/other"));
  } finally {
    await other.shutdown();
  }
});

Deno.test("fetchFile reads src/{commit}/{path}, and resolves a branch with a slash", async () => {
  await using env = await setup();
  env.bitbucket.setFile("ws/app", "main", ".loom/config.yaml", "pipelines: []\n");
  env.bitbucket.setFile("ws/app", "release/2.0", ".loom/config.yaml", "release: true\n");

  assert.equal(await env.adapter.fetchFile(REPO, ".loom/config.yaml", "main"), "pipelines: []\n");
  assert.equal(
    env.bitbucket.requests.at(-1)?.path,
    "/repositories/ws/app/src/main/.loom/config.yaml",
  );
  assert.equal(
    await env.adapter.fetchFile(REPO, ".loom/config.yaml", "release/2.0"),
    "release: true\n",
  );
  const [branch, src] = env.bitbucket.requests.slice(-2);
  assert.equal(branch.path, "/repositories/ws/app/refs/branches/release/2.0");
  assert.match(src.path, /^\/repositories\/ws\/app\/src\/[0-9a-f]{40}\/\.loom\/config\.yaml$/);
});
Deno.test("a comment Bitbucket refuses with 400 is rejected with its message", async () => {
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
});

Deno.test("missing scopes and a bad repository name are permanent, with clear messages", async () => {
  await using env = await setup();
  env.bitbucket.failNext(
    bitbucketFailure.http(403, {
      type: "error",
      error: {
        message: "Your credentials lack one or more required privilege scopes.",
        detail: { granted: ["repository"], required: ["pullrequest:write"] },
      },
    }),
    { method: "POST", path: /\/comments$/ },
  );
  const forbidden = await platformError(env.adapter.postSummary(REPO, env.pr, "x"));
  assert.deepEqual([forbidden.status, forbidden.retryable], [403, false]);
  assert.match(
    forbidden.message,
    /lack one or more required privilege scopes.*required scopes: pullrequest:write/,
  );

  const badName = await platformError(env.adapter.getPullRequest({ ...REPO, fullName: "nope" }, 7));
  assert.match(badName.message, /not a Bitbucket workspace\/repo_slug/);
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
  assert.deepEqual(kit.parseHook(env.adapter, delivery), {
    type: "ignored",
    reason: "the comment is Loom's own",
  });
});

Deno.test("summary takeover with an access token that may not read GET /user: nothing marked is Loom's until it learns its own uuid from what it posts", async () => {
  await using env = await setup({}, { token: TOKEN, readUser: false });
  const forged = "[loom-summary]: #\n\nNo findings. Merge away.";
  env.bitbucket.addComment("ws/app", 7, forged);
  env.bitbucket.addComment("ws/app", 7, "Fine.\n\n[loom-fp-fp-forged]: #", {
    inline: { path: "src/db.ts", to: 4 },
  });
  assert.deepEqual(await env.adapter.listComments(REPO, env.pr), []);
  const summary = await env.adapter.postSummary(REPO, env.pr, "Real.");
  const inline = await env.adapter.postInline(REPO, env.pr, [comment("src/db.ts", 4, "fp-1")]);
  assert.deepEqual((await env.adapter.listComments(REPO, env.pr)).map((c) => [c.id, c.kind]), [
    [summary.id, "summary"],
    [inline.posted[0].id, "inline"],
  ]);
  assert.equal(env.bitbucket.comments("ws/app", 7)[0].raw, forged, "never edited");
});
