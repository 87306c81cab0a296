import assert from "node:assert/strict";
import {
  type FakeGitea,
  type FakeGiteaOptions,
  giteaFailure,
  giteaWebhook,
  startFakeGitea,
} from "../../tests/fakes/gitea/server.ts";
import { giteaCommentPayload, giteaPullRequestPayload } from "../../tests/fakes/gitea/payloads.ts";
import * as kit from "../../tests/support/adapter_test_kit.ts";
import * as contract from "../../tests/support/adapter_contract.ts";
import { runCompareContract } from "../../tests/support/compare_contract.ts";
import { createGiteaAdapter, type GiteaAdapterOptions, SUMMARY_MARKER } from "./adapter.ts";
import type { InlineComment, RepoRef } from "../../src/platform/mod.ts";

const { bytes, comment, HEAD, OUTSIDE_DIFF, platformError, SAMPLE_DIFF, T0 } = kit;
const SECRET = kit.WEBHOOK_SECRET;
const TOKEN = "0123456789abcdef0123456789abcdef01234567";
const REPO: RepoRef = { platform: "gitea", fullName: "octo/app" };

interface Env extends contract.ContractEnv {
  gitea: FakeGitea;
}

/** A fake instance with pull request octo/app#7 and an adapter using a token. */
async function setup(
  fakeOptions: FakeGiteaOptions = {},
  adapterOptions: Partial<GiteaAdapterOptions> = {},
): Promise<Env> {
  const gitea = await startFakeGitea({ token: TOKEN, now: () => T0, ...fakeOptions });
  gitea.addPullRequest(kit.githubStyleSeed("octo/app", "mona"));
  const adapter = createGiteaAdapter({
    url: gitea.url,
    token: TOKEN,
    webhookSecret: SECRET,
    now: () => T0,
    ...adapterOptions,
  });
  return { ...await contract.contractEnv(gitea, adapter, REPO), gitea };
}

const posts = (gitea: FakeGitea, path: RegExp) =>
  gitea.requests.filter((r) => r.method === "POST" && path.test(r.path));

const SUGGESTION =
  "Use a bound parameter.\n\nSuggested change for lines 4-5:\n\n```diff\n+  x\n```";
/** Gitea has no ranges: a comment sits on the first line of its range. */
const firstLine = (c: InlineComment) => c.startLine ?? c.line;

async function offline() {
  const url = await kit.closedUrl(startFakeGitea);
  return createGiteaAdapter({ url, token: TOKEN, webhookSecret: SECRET });
}

const like = contract.githubStyleParts((env: Env) => env.gitea);

runCompareContract<Env>({
  platform: "Gitea",
  setup: () => setup(),
  setupWithDiffLimit: (maxDiffBytes) => setup({}, { maxDiffBytes }),
  commits: (env) => env.gitea.commits,
  // Gitea serves no diff between commits: Loom reads each file's two sides instead.
  readsDiff: (req) =>
    /\/raw\//.test(req.path) || (/\/compare\//.test(req.path) && req.query.files !== "false"),
  // Built file by file, with git's function lines after each `@@`.
  exactDiff: false,
  setLabels: (env, labels) => env.gitea.updatePullRequest("octo/app", 7, { labels }),
});

contract.runAdapterContract<Env, ReturnType<typeof giteaFailure.http>>({
  platform: "Gitea",
  // Gitea builds Link from its ROOT_URL, which need not be the address Loom uses.
  setup: () => setup({ rootUrl: "https://git.example.invalid/" }),
  offline,
  setupWithDiffLimit: (maxDiffBytes) => setup({}, { maxDiffBytes }),
  secrets: [TOKEN],
  pullRequest: {
    author: "mona",
    firstCall: () => ({
      path: "/api/v1/repos/octo/app/pulls/7",
      headers: { authorization: `token ${TOKEN}` },
    }),
    update: (env, change) =>
      env.gitea.updatePullRequest(
        "octo/app",
        7,
        contract.githubStyleChange(change, { title: "[Draft] Parameterise find" }),
      ),
    missing: {
      number: 99,
      message: "pull request octo/app#99 not found (or the token cannot see it)",
    },
  },
  permissions(env) {
    env.gitea.grant("octo/app", "maintainer", "write");
    env.gitea.grant("octo/app", "watcher", "read");
    return { writer: { name: "maintainer" }, reader: { name: "watcher" }, stranger: { name: "x" } };
  },
  failures: {
    serverError: { failure: giteaFailure.serverError(502), status: 502 },
    rateLimits: [
      {
        failure: giteaFailure.rateLimited(3),
        status: 429,
        retryAfterMs: 3000,
        message: /rate limit .*429 Too Many Requests/,
      },
      {
        failure: giteaFailure.http(429, "slow down", {
          "retry-after": new Date(T0 + 7000).toUTCString(),
        }),
        call: (env) => env.adapter.fetchDiff(env.repo, env.pr),
        status: 429,
        retryAfterMs: 7000,
      },
    ],
    leaky: [
      giteaFailure.rateLimited(1),
      giteaFailure.serverError(500),
      giteaFailure.http(401, { message: "invalid username, password or token" }),
      giteaFailure.http(422, { message: "Validation Failed", errors: ["nope"] }),
      giteaFailure.http(302, "", { location: "http://127.0.0.1:9/" }),
    ],
  },
  diff: { expected: () => SAMPLE_DIFF, exact: true },
  files: like.files("feature/x"),
  summary: {
    stored: like.stored,
    raw: (text) => `${SUMMARY_MARKER}\n\n${text}`,
    remove: like.remove,
    onPosted: (env) =>
      assert.deepEqual(env.gitea.comments("octo/app", 7).map((c) => c.user), ["loom-bot"]),
    onEdited(env, edited) {
      assert.equal(env.gitea.requests.at(-1)?.method, "PATCH");
      assert.equal(
        env.gitea.requests.at(-1)?.path,
        `/api/v1/repos/octo/app/issues/comments/${edited.id}`,
      );
    },
  },
  inline: {
    landing: kit.landingComments(SUGGESTION),
    anchors: (env) =>
      env.gitea.reviewComments("octo/app", 7).map((c) => ({
        path: c.path,
        line: c.newLine,
        startLine: null,
      })),
    ids: (env) => env.gitea.reviewComments("octo/app", 7).map((c) => String(c.id)),
    anchorOf: (c) => ({ path: c.path, line: firstLine(c), startLine: null }),
    postedLine: firstLine,
    ordered: false,
    onPosted(env) {
      const [sent] = posts(env.gitea, /\/reviews$/);
      assert.equal(sent.body.event, "COMMENT", "without it the review would stay PENDING");
      assert.equal(sent.body.commit_id, HEAD);
      assert.deepEqual(
        sent.body.comments.map((c: Record<string, unknown>) => ({ ...c, body: undefined })),
        [
          { path: "src/db.ts", new_position: 4, old_position: 0, body: undefined },
          { path: "src/db.ts", new_position: 43, old_position: 0, body: undefined },
          { path: "README.md", new_position: 1, old_position: 0, body: undefined },
        ],
      );
      assert.equal(sent.body.comments[0].body, `${SUGGESTION}\n\n<!-- loom:fp:fp-range -->`);
      assert.equal("extra_lines_count" in sent.body.comments[0], false, "Gitea has no ranges");
      const [review] = env.gitea.reviews("octo/app", 7);
      assert.equal(review.state, "COMMENT");
      assert.deepEqual(
        env.gitea.reviewComments("octo/app", 7).map((c) => [c.oldLine, c.reviewId]),
        [[0, review.id], [0, review.id], [0, review.id]],
      );
    },
    refusals: {
      good: [comment("src/db.ts", 4, "fp-good"), comment("README.md", 2, "fp-also")],
      refused: [
        {
          comment: OUTSIDE_DIFF,
          reason: "line 20 of src/db.ts is not part of the diff",
        },
        {
          comment: comment("src/other.ts", 1, "fp-file"),
          reason: "src/other.ts is not a file of the diff",
        },
        {
          comment: comment("src/db.ts", 43, "fp-cross", { startLine: 5 }),
          reason: "lines 5-43 of src/db.ts are not in one hunk of the diff",
        },
      ],
    },
    async onRefused(env) {
      const reviewPosts = posts(env.gitea, /\/reviews$/);
      assert.equal(reviewPosts.length, 1);
      assert.deepEqual(reviewPosts[0].body.comments.map((c: { path: string }) => c.path), [
        "src/db.ts",
        "README.md",
      ]);
      // Nothing placeable: nothing sent at all.
      const none = await env.adapter.postInline(REPO, env.pr, [
        OUTSIDE_DIFF,
      ]);
      assert.deepEqual(none.posted, []);
      assert.equal(posts(env.gitea, /\/reviews$/).length, 1);
    },
    serverError: {
      failure: giteaFailure.serverError(503),
      path: /\/reviews$/,
    },
  },
  pagination: {
    others: { count: 120, add: like.addComment },
    quote: "Loom said <!-- loom:summary --> somewhere",
    inline: kit.manyComments(55, "src/db.ts", 6),
    oneByOne: true,
    check(env, { listed }) {
      assert.equal(
        listed.filter((c) => c.kind === "inline").length,
        55,
        "reviews read over two pages",
      );
      const pages = (path: string) =>
        env.gitea.requests.filter((r) => r.path === path && r.method === "GET").map((r) =>
          `${r.query.page}/${r.query.limit}`
        );
      assert.deepEqual(pages("/api/v1/repos/octo/app/issues/7/comments"), ["1/50", "2/50", "3/50"]);
      assert.deepEqual(pages("/api/v1/repos/octo/app/pulls/7/reviews").slice(-2), ["1/50", "2/50"]);
    },
  },
  foreign: like.foreign((env, c) => void env.gitea.addReview("octo/app", 7, c), true),
  status: {
    read: like.statuses,
    expected: (s) => ["loom", s.state, s.description, s.targetUrl ?? ""],
  },
  webhook: {
    delivery: (signed) =>
      contract.signedDelivery(signed, "x-gitea-signature", (secret) =>
        giteaWebhook({
          secret,
          eventType: "pull_request",
          payload: giteaPullRequestPayload({
            action: "opened",
            repo: "octo/app",
            pr: 7,
            headSha: HEAD,
          }),
          deliveryId: "d-1",
        })),
    deliveryId: "d-1",
    unconfigured: () =>
      createGiteaAdapter({ url: "http://127.0.0.1:9", token: TOKEN, webhookSecret: "" }),
  },
});

Deno.test("verifyWebhook: Gitea's hex HMAC over the raw bytes, an empty one fails, Forgejo's header first", async () => {
  const adapter = createGiteaAdapter({
    url: "http://127.0.0.1:9",
    token: TOKEN,
    webhookSecret: SECRET,
  });
  const payload = giteaPullRequestPayload({
    action: "opened",
    repo: "octo/app",
    pr: 7,
    headSha: HEAD,
  });
  const signed = await giteaWebhook({
    secret: SECRET,
    eventType: "pull_request",
    payload,
    deliveryId: "d-1",
  });
  assert.match(signed.headers["x-gitea-signature"], /^[0-9a-f]{64}$/);
  assert.equal(await kit.verifyHook(adapter, signed), true);
  assert.equal(await kit.verifyHook(adapter, signed, bytes(signed.body.replace("7", "8"))), false);
  // A hook without a secret: the headers are there, empty.
  const unsigned = await giteaWebhook({ secret: "", eventType: "pull_request", payload });
  assert.equal(unsigned.headers["x-gitea-signature"], "");
  assert.equal(await kit.verifyHook(adapter, unsigned), false);
  const other = await giteaWebhook({ secret: "other-secret", eventType: "pull_request", payload });
  assert.equal(await kit.verifyHook(adapter, other), false);

  // Forgejo: X-Forgejo-Signature is the one read when present.
  const forgejo = await giteaWebhook({
    secret: SECRET,
    eventType: "pull_request",
    payload,
    flavor: "forgejo",
    deliveryId: "f-1",
  });
  assert.equal(await kit.verifyHook(adapter, forgejo), true);
  const wrongForgejo = {
    ...forgejo.headers,
    "x-forgejo-signature": other.headers["x-gitea-signature"],
  };
  assert.equal(await kit.verifyHook(adapter, { ...forgejo, headers: wrongForgejo }), false);

  assert.equal(adapter.deliveryId(kit.hookRequest(forgejo.headers), new Uint8Array()), "f-1");
  const event = kit.parseHook(adapter, forgejo);
  assert.equal(event.type === "review" && event.reason, "opened");
});

Deno.test("a sub-path install, with the URL pasted with /api/v1/, is called below it", async () => {
  await using env = await setup({ pathPrefix: "/gitea" });
  assert.match(env.gitea.url, /\/gitea$/);
  const adapter = createGiteaAdapter({
    url: `${env.gitea.url}/api/v1/`,
    token: TOKEN,
    webhookSecret: SECRET,
  });
  assert.equal((await adapter.getPullRequest(REPO, 7)).headSha, HEAD);
  assert.equal(env.gitea.requests.at(-1)?.path, "/api/v1/repos/octo/app/pulls/7");
});

Deno.test("fetchDiff reads the .diff; fetchFile reads /raw at a ref", async () => {
  await using env = await setup();
  assert.equal(await env.adapter.fetchDiff(REPO, env.pr), SAMPLE_DIFF);
  assert.equal(env.gitea.requests.at(-1)?.path, "/api/v1/repos/octo/app/pulls/7.diff");

  env.gitea.setFile("octo/app", "main", ".loom/config.yaml", "pipelines: []\n");
  assert.equal(await env.adapter.fetchFile(REPO, ".loom/config.yaml", "main"), "pipelines: []\n");
  const sent = env.gitea.requests.at(-1)!;
  assert.equal(sent.path, "/api/v1/repos/octo/app/raw/.loom/config.yaml");
  assert.deepEqual(sent.query, { ref: "main" });
});
Deno.test("Forgejo: a range is covered with extra_lines_count; the fork is asked once", async () => {
  await using env = await setup({ flavor: "forgejo" });
  const range = comment("src/db.ts", 5, "fp-range", { startLine: 2 });
  const result = await env.adapter.postInline(REPO, env.pr, [
    range,
    comment("README.md", 2, "fp-2"),
  ]);
  assert.deepEqual(result.rejected, []);
  const [sent] = posts(env.gitea, /\/reviews$/);
  assert.deepEqual(sent.body.comments[0].extra_lines_count, 3);
  assert.equal(sent.body.comments[0].new_position, 2);
  assert.equal("extra_lines_count" in sent.body.comments[1], false);
  assert.deepEqual(
    env.gitea.reviewComments("octo/app", 7).map((c) => [c.path, c.newLine, c.extraLines]),
    [["src/db.ts", 2, 3], ["README.md", 2, 0]],
  );
  // Reported by the last line covered, as the review code gave it.
  assert.deepEqual(result.posted.map((p) => [p.fingerprint, p.line]), [["fp-range", 5], [
    "fp-2",
    2,
  ]]);

  await env.adapter.postInline(REPO, env.pr, [comment("src/db.ts", 44, "fp-3", { startLine: 43 })]);
  const probes = env.gitea.requests.filter((r) => r.path.endsWith("/version")).map((r) => r.path);
  assert.deepEqual(probes, ["/api/forgejo/v1/version"]);
  const listed = await env.adapter.listComments(REPO, env.pr);
  assert.deepEqual(listed.map((c) => [c.fingerprint, c.line]).sort(), [
    ["fp-2", 2],
    ["fp-3", 44],
    ["fp-range", 5],
  ]);
});

Deno.test("Gitea is told apart by its version endpoint; an older Forgejo ignores the range field", async () => {
  {
    await using env = await setup();
    await env.adapter.postInline(REPO, env.pr, [comment("src/db.ts", 5, "fp", { startLine: 4 })]);
    assert.deepEqual(
      env.gitea.requests.filter((r) => r.path.endsWith("/version")).map((r) => r.path),
      ["/api/forgejo/v1/version", "/api/v1/version"],
    );
    assert.equal("extra_lines_count" in posts(env.gitea, /\/reviews$/)[0].body.comments[0], false);
  }
  {
    await using env = await setup({ flavor: "forgejo", version: "11.0.1+gitea-1.22.0" });
    const result = await env.adapter.postInline(REPO, env.pr, [
      comment("src/db.ts", 5, "fp", { startLine: 4 }),
    ]);
    assert.equal(posts(env.gitea, /\/reviews$/)[0].body.comments[0].extra_lines_count, 1);
    assert.deepEqual(result.posted.map((p) => p.line), [4], "it landed on the first line");
  }
});

Deno.test("Gitea's 500 for one comment: the leftover pending review is dropped, the others land once", async () => {
  await using env = await setup();
  // Loom checks against a diff in which README.md line 9 exists; Gitea's own does not have it.
  const wider = SAMPLE_DIFF.replace(
    "@@ -0,0 +1,2 @@\n+# App\n+Docs.\n",
    "@@ -0,0 +1,9 @@\n" + "+x\n".repeat(9),
  );
  env.gitea.failNext(giteaFailure.http(200, wider, { "content-type": "text/plain" }), {
    path: /\.diff$/,
  });
  const first = comment("src/db.ts", 4, "fp-1");
  const bad = comment("README.md", 9, "fp-bad");
  const last = comment("src/db.ts", 43, "fp-3");
  const result = await env.adapter.postInline(REPO, env.pr, [first, bad, last]);

  assert.deepEqual(result.posted.map((p) => p.fingerprint).sort(), ["fp-1", "fp-3"]);
  assert.deepEqual(result.rejected, [
    { comment: bad, reason: "Gitea refused the review (500: CreateCodeComment)" },
  ]);
  const reviews = env.gitea.reviews("octo/app", 7);
  assert.ok(reviews.every((r) => r.state === "COMMENT"), "no pending review is left behind");
  assert.deepEqual(
    env.gitea.reviewComments("octo/app", 7).map((c) => [c.path, c.newLine]).sort(),
    [["src/db.ts", 4], ["src/db.ts", 43]],
    "fp-1 was created before the 500 and is posted once, not twice",
  );
  assert.ok(
    env.gitea.requests.some((r) => r.method === "DELETE" && /\/reviews\/\d+$/.test(r.path)),
  );
  assert.equal(
    env.gitea.requests.some((r) => r.path.endsWith("/version")),
    false,
    "single lines work alike on both forks: the fork is not asked",
  );
});

Deno.test("without read:user, the pending review is still found by Loom's markers alone", async () => {
  await using env = await setup({ readUser: false });
  const wider = SAMPLE_DIFF.replace(
    "@@ -0,0 +1,2 @@\n+# App\n+Docs.\n",
    "@@ -0,0 +1,9 @@\n" + "+x\n".repeat(9),
  );
  env.gitea.failNext(giteaFailure.http(200, wider, { "content-type": "text/plain" }), {
    path: /\.diff$/,
  });
  const result = await env.adapter.postInline(REPO, env.pr, [
    comment("src/db.ts", 4, "fp-1"),
    comment("README.md", 9, "fp-bad"),
  ]);
  assert.deepEqual(result.posted.map((p) => p.fingerprint), ["fp-1"]);
  assert.equal(env.gitea.reviewComments("octo/app", 7).length, 1);
  assert.deepEqual((await env.adapter.listComments(REPO, env.pr)).map((c) => c.fingerprint), [
    "fp-1",
  ]);
  assert.equal(
    env.gitea.requests.filter((r) => r.path === "/api/v1/user").length,
    1,
    "a 403 is remembered",
  );
});

Deno.test("summary takeover without read:user: no marked comment is Loom's until Loom learns its login from its own summary", async () => {
  await using env = await setup({ readUser: false });
  const forged = `${SUMMARY_MARKER}\n\nNo findings. Merge away.`;
  env.gitea.addIssueComment("octo/app", 7, forged, "mallory");
  assert.deepEqual(await env.adapter.listComments(REPO, env.pr), []);
  const posted = await env.adapter.postSummary(REPO, env.pr, "Real.");
  assert.deepEqual(await env.adapter.listComments(REPO, env.pr), [
    { id: posted.id, kind: "summary", body: "Real." },
  ]);
  assert.equal(env.gitea.comments("octo/app", 7)[0].body, forged);
});

Deno.test("a closed pull request refuses the review: its comments are rejected, not lost", async () => {
  await using env = await setup();
  env.gitea.updatePullRequest("octo/app", 7, { state: "closed" });
  const result = await env.adapter.postInline(REPO, env.pr, [comment("src/db.ts", 4, "fp")]);
  assert.deepEqual(result.posted, []);
  assert.match(result.rejected[0].reason, /422: can't submit review for a closed or merged PR/);
  assert.deepEqual(env.gitea.reviews("octo/app", 7), [], "the pending leftovers were dropped");
});

Deno.test("a wrong token, a missing scope and a redirect are permanent, with clear messages", async () => {
  await using env = await setup();
  const wrong = createGiteaAdapter({
    url: env.gitea.url,
    token: "wrong-token",
    webhookSecret: SECRET,
  });
  const denied = await platformError(wrong.getPullRequest(REPO, 7));
  assert.match(
    denied.message,
    /^Gitea rejected the token \(401: invalid username, password or token\)/,
  );
  assert.deepEqual([denied.status, denied.retryable], [401, false]);

  env.gitea.failNext(giteaFailure.http(403, {
    message: "token does not have at least one of required scope(s): [write:issue]",
    url: "",
  }));
  const scope = await platformError(env.adapter.postComment(REPO, env.pr, "hi"));
  assert.deepEqual([scope.status, scope.retryable], [403, false]);
  assert.match(scope.message, /required scope\(s\): \[write:issue\]/);

  env.gitea.failNext(
    giteaFailure.http(301, "", { location: "https://elsewhere.example/api/v1/x" }),
  );
  const moved = await platformError(env.adapter.getPullRequest(REPO, 7));
  assert.deepEqual([moved.status, moved.retryable], [301, false]);
  assert.match(moved.message, /redirected \(301\) to https:\/\/elsewhere\.example/);
});

Deno.test("only Loom's own reviews are read, once Loom knows its login", async () => {
  await using env = await setup({ botLogin: "Loom-Bot" }, { botLogin: "loom-bot" });
  await env.adapter.postInline(REPO, env.pr, [comment("src/db.ts", 4, "fp")]);
  const listed = await env.adapter.listComments(REPO, env.pr);
  assert.deepEqual(listed.map((c) => c.fingerprint), ["fp"], "logins compare without case");
  assert.equal(env.gitea.requests.some((r) => r.path === "/api/v1/user"), false);
});

Deno.test("setStatus posts to the head commit's statuses", async () => {
  await using env = await setup();
  await env.adapter.setStatus(REPO, env.pr, { state: "pending", description: "Loom is reviewing" });
  assert.equal(env.gitea.requests.at(-1)?.path, `/api/v1/repos/octo/app/statuses/${HEAD}`);
});
Deno.test("Loom's answers are never read as commands, by marker and by login", async () => {
  await using env = await setup();
  await env.adapter.postComment(REPO, env.pr, "/loom review — re-runs the review.");
  const [answer] = env.gitea.comments("octo/app", 7);
  assert.match(answer.body, /^<!-- loom:reply -->\n\n\/loom review — re-runs the review\.$/);
  const parse = async (body: string, user: string) => {
    const d = await giteaWebhook({
      secret: SECRET,
      eventType: "pull_request_comment",
      payload: giteaCommentPayload({ repo: "octo/app", pr: 7, body, user }),
    });
    return kit.parseHook(env.adapter, d);
  };
  assert.equal((await parse(answer.body, "loom-bot")).type, "ignored");
  // Without a marker, Loom's login gives it away once an API call has told Loom who it is.
  assert.equal((await parse("/loom help", "loom-bot")).type, "command");
  await env.adapter.listComments(REPO, env.pr);
  assert.deepEqual(await parse("/loom help", "LOOM-BOT"), {
    type: "ignored",
    reason: "the comment is Loom's own",
  });
  assert.equal((await parse("/loom help", "mona")).type, "command");
});
