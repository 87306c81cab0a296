import assert from "node:assert/strict";
import { type DiffFile, parseDiff } from "../../src/diff/mod.ts";
import {
  type FakeGithub,
  type FakeGithubOptions,
  generateAppKeys,
  githubFailure,
  githubWebhook,
  startFakeGithub,
} from "../../tests/fakes/github/server.ts";
import * as kit from "../../tests/support/adapter_test_kit.ts";
import { pullRequestEvent } from "../../tests/fakes/github/payloads.ts";
import * as contract from "../../tests/support/adapter_contract.ts";
import { runCompareContract } from "../../tests/support/compare_contract.ts";
import { createGithubAdapter, type GithubAdapterOptions, SUMMARY_MARKER } from "./adapter.ts";
import type { PullRequest, RepoRef } from "../../src/platform/mod.ts";

const { HEAD, platformError, SAMPLE_DIFF, T0, WEBHOOK_SECRET: SECRET } = kit;
const TOKEN = "ghp_s3cretTokenValue0123456789abcdef";
const REPO: RepoRef = { platform: "github", fullName: "octo/app" };

interface Env extends contract.ContractEnv {
  github: FakeGithub;
  clock: { now: number };
}

/** A fake GitHub with pull request octo/app#7 and an adapter using a token, on one clock. */
async function setup(
  adapterOptions: Partial<GithubAdapterOptions> = {},
  fakeOptions: FakeGithubOptions = {},
): Promise<Env> {
  const clock = { now: T0 };
  const github = await startFakeGithub({ token: TOKEN, now: () => clock.now, ...fakeOptions });
  github.addPullRequest(kit.githubStyleSeed("octo/app", "mona"));
  const adapter = createGithubAdapter({
    apiUrl: github.url,
    webhookSecret: SECRET,
    token: TOKEN,
    now: () => clock.now,
    ...adapterOptions,
  });
  return { ...await contract.contractEnv(github, adapter, REPO), github, clock };
}

function reviewable(files: DiffFile[]) {
  return files.map((f) => ({ path: f.path, oldPath: f.oldPath, status: f.status, hunks: f.hunks }));
}

async function offline(): Promise<ReturnType<typeof createGithubAdapter>> {
  const apiUrl = await kit.closedUrl(startFakeGithub);
  return createGithubAdapter({ apiUrl, webhookSecret: SECRET, token: TOKEN });
}

const SUGGESTION =
  "Use a bound parameter.\n\n```suggestion\n  return sql`select * from t where id = ${id}`;\n```";

const like = contract.githubStyleParts((env: Env) => env.github);

runCompareContract<Env>({
  platform: "GitHub",
  setup: () => setup(),
  setupWithDiffLimit: (maxDiffBytes) => setup({ maxDiffBytes }),
  commits: (env) => env.github.commits,
  readsDiff: (req) => /\.diff/.test(req.headers["accept"] ?? ""),
  exactDiff: true,
  setLabels: (env, labels) => env.github.updatePullRequest("octo/app", 7, { labels }),
});

contract.runAdapterContract<Env, ReturnType<typeof githubFailure.http>>({
  platform: "GitHub",
  setup: () => setup(),
  offline,
  setupWithDiffLimit: (maxDiffBytes) => setup({ maxDiffBytes }),
  secrets: [TOKEN],
  pullRequest: {
    author: "mona",
    firstCall: () => ({
      path: "/repos/octo/app/pulls/7",
      headers: {
        authorization: `Bearer ${TOKEN}`,
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
      },
    }),
    update: (env, change) =>
      env.github.updatePullRequest(
        "octo/app",
        7,
        contract.githubStyleChange(change, { draft: true }),
      ),
    missing: {
      number: 99,
      message: "pull request octo/app#99 not found (or the token cannot see it)",
    },
  },
  permissions(env) {
    env.github.grant("octo/app", "maintainer", "write");
    env.github.grant("octo/app", "watcher", "read");
    return { writer: { name: "maintainer" }, reader: { name: "watcher" }, stranger: { name: "x" } };
  },
  failures: {
    serverError: { failure: githubFailure.serverError(502), status: 502 },
    rateLimits: [
      { failure: githubFailure.rateLimited(3), status: 429, retryAfterMs: 3000 },
      {
        failure: githubFailure.rateLimited(30, 403),
        call: (env) => env.adapter.fetchDiff(env.repo, env.pr),
        status: 403,
        retryAfterMs: 30_000,
      },
      {
        failure: githubFailure.primaryRateLimit(T0 / 1000 + 120),
        call: (env) =>
          env.adapter.setStatus(env.repo, env.pr, { state: "pending", description: "Reviewing" }),
        status: 403,
        retryAfterMs: 121_000,
        message: /rate limit/,
      },
    ],
    leaky: [
      githubFailure.rateLimited(1),
      githubFailure.primaryRateLimit(T0 / 1000 + 5),
      githubFailure.serverError(),
      githubFailure.http(401, { message: "Bad credentials" }),
      githubFailure.http(422, { message: "Validation Failed", errors: ["nope"] }),
    ],
  },
  diff: { expected: () => SAMPLE_DIFF, exact: true },
  files: like.files(HEAD),
  summary: {
    stored: like.stored,
    raw: (text) => `${SUMMARY_MARKER}\n\n${text}`,
    remove: like.remove,
    onDone: (env) => assert.deepEqual(env.github.violations, []),
  },
  inline: {
    landing: kit.landingComments(SUGGESTION),
    anchors: (env) =>
      env.github.reviewComments("octo/app", 7).map((c) => ({
        path: c.path,
        line: c.line!,
        startLine: c.startLine,
      })),
    ids: (env) => env.github.reviewComments("octo/app", 7).map((c) => String(c.id)),
    onPosted(env) {
      const [review] = env.github.reviews("octo/app", 7);
      assert.equal(review.state, "COMMENTED");
      assert.equal(review.commitId, HEAD);
      const stored = env.github.reviewComments("octo/app", 7);
      assert.deepEqual(stored.map((c) => [c.side, c.startSide, c.reviewId]), [
        ["RIGHT", "RIGHT", review.id],
        ["RIGHT", null, review.id],
        ["RIGHT", null, review.id],
      ]);
      assert.equal(stored[0].body, `${SUGGESTION}\n\n<!-- loom:fp:fp-range -->`);
      const sent = env.github.requests.find((r) => r.path.endsWith("/reviews"))!;
      assert.equal(sent.body.body, "");
      assert.equal(
        "start_line" in sent.body.comments[1],
        false,
        "start_line equal to line is omitted",
      );
      assert.deepEqual(env.github.violations, []);
    },
    refusals: {
      good: kit.AROUND_REFUSED,
      refused: [{
        comment: kit.OUTSIDE_DIFF,
        reason: "Validation Failed: pull_request_review_thread.line must be part of the diff",
      }],
    },
    onRefused(env, result) {
      assert.deepEqual(env.github.reviews("octo/app", 7), [], "the whole review was refused");
      const stored = env.github.reviewComments("octo/app", 7);
      assert.deepEqual(stored.map((c) => [String(c.id), c.path, c.startLine, c.line, c.reviewId]), [
        [result.posted[0].id, "src/db.ts", null, 4, null],
        [result.posted[1].id, "README.md", 1, 2, null],
      ]);
      assert.deepEqual(env.github.violations, []);
    },
    serverError: {
      failure: githubFailure.serverError(503),
      path: /\/reviews$/,
    },
  },
  pagination: {
    others: { count: 230, add: like.addComment },
    quote: "Loom said <!-- loom:summary --> somewhere",
    inline: kit.manyComments(105, "src/db.ts", 6),
    check(env, { result }) {
      assert.equal(result.posted.length, 105, "the review's comments were read over two pages");
      const pages = (path: string) =>
        env.github.requests.filter((r) => r.path === path && r.method === "GET").map((r) =>
          r.query.page ?? "1"
        );
      assert.deepEqual(pages("/repos/octo/app/issues/7/comments"), ["1", "2", "3"]);
      assert.deepEqual(pages("/repos/octo/app/pulls/7/comments"), ["1", "2"]);
      assert.ok(
        env.github.requests.every((r) =>
          r.method !== "GET" || !r.path.endsWith("/comments") ||
          r.query.per_page === "100"
        ),
      );
    },
  },
  foreign: like.foreign((env, c) => void env.github.addReviewComment("octo/app", 7, c), false),
  status: {
    read: like.statuses,
    expected: (s) => ["loom", s.state, s.description, s.targetUrl ?? null],
  },
  webhook: {
    delivery: (signed) =>
      contract.signedDelivery(signed, "x-hub-signature-256", (secret) =>
        githubWebhook({
          secret,
          event: "pull_request",
          payload: pullRequestEvent({ action: "opened", repo: "octo/app", pr: 7, headSha: HEAD }),
          deliveryId: "d-1",
        })),
    deliveryId: "d-1",
    unconfigured: () => createGithubAdapter({ apiUrl: "http://127.0.0.1:9", webhookSecret: "" }),
  },
});

Deno.test("verifyWebhook checks GitHub's signature over the raw bytes; an empty one fails", async () => {
  const adapter = createGithubAdapter({ apiUrl: "http://127.0.0.1:9", webhookSecret: SECRET });
  const delivery = await githubWebhook({
    secret: SECRET,
    event: "ping",
    payload: { zen: "Design for failure. ✨" },
    deliveryId: "d-1",
  });
  const { "x-hub-signature-256": signature, ...unsigned } = delivery.headers;

  assert.equal(await kit.verifyHook(adapter, delivery), true);
  const tampered = kit.bytes(delivery.body.replace("failure", "success"));
  assert.equal(await kit.verifyHook(adapter, delivery, tampered), false);
  const emptied = { ...delivery, headers: { ...unsigned, "x-hub-signature-256": "" } };
  assert.equal(await kit.verifyHook(adapter, emptied), false);
  const other = await githubWebhook({ secret: "other", event: "ping", payload: { zen: "x" } });
  assert.equal(await kit.verifyHook(adapter, other), false);
  assert.equal(signature.startsWith("sha256="), true);
  assert.deepEqual(kit.parseHook(adapter, delivery), { type: "ping" });
});

Deno.test("GitHub Enterprise Server: calls go below the /api/v3 prefix", async () => {
  await using env = await setup({}, { pathPrefix: "/api/v3" });
  assert.match(env.github.url, /\/api\/v3$/);
  const adapter = createGithubAdapter({
    apiUrl: env.github.url + "/",
    webhookSecret: SECRET,
    token: TOKEN,
  });
  assert.equal((await adapter.getPullRequest(REPO, 7)).headSha, HEAD);
  assert.equal(env.github.requests.at(-1)?.path, "/repos/octo/app/pulls/7");
});

/**
 * A fake GitHub on which app 4242 is installed on octo/app (installation 99), and an adapter
 * signing in as the app with its key in `format`; GitHub and Loom each read their own clock.
 */
async function appSetup(
  format: "pkcs1Pem" | "pkcs8Pem",
  clocks: { github: () => number; loom: () => number },
  tokenLifetimeMs?: number,
) {
  const keys = await generateAppKeys();
  const github = await startFakeGithub({ now: clocks.github });
  github.enableApp({ appId: "4242", publicKey: keys.publicKey, tokenLifetimeMs });
  github.addRepo("octo/app", { installationId: 99 });
  github.addPullRequest({ repo: "octo/app", number: 7, headSha: HEAD, diff: SAMPLE_DIFF });
  const adapter = createGithubAdapter({
    apiUrl: github.url,
    webhookSecret: SECRET,
    app: { appId: "4242", privateKey: keys[format] },
    now: clocks.loom,
  });
  return { github, adapter };
}

Deno.test("GitHub App: JWT checked by GitHub, installation token cached and refreshed", async () => {
  const clock = { now: T0 };
  const { github, adapter } = await appSetup("pkcs1Pem", {
    github: () => clock.now,
    loom: () => clock.now,
  });
  await using _ = github;

  // No installation id (a job started from the CLI or an API call): looked up with the JWT.
  const [pr, diff] = await Promise.all([
    adapter.getPullRequest(REPO, 7),
    adapter.fetchDiff(REPO, { number: 7 } as PullRequest),
  ]);
  assert.equal(pr.headSha, HEAD);
  assert.equal(diff, SAMPLE_DIFF);
  const tokens = github.installationTokens();
  assert.equal(tokens.length, 1, "concurrent calls share one token request");
  assert.equal(tokens[0].installationId, 99);
  const paths = github.requests.map((r) => `${r.method} ${r.path}`);
  assert.equal(paths.filter((p) => p === "GET /repos/octo/app/installation").length, 1);
  assert.equal(paths.filter((p) => p.endsWith("/access_tokens")).length, 1);
  const repoCalls = github.requests.filter((r) => r.path.startsWith("/repos/octo/app/pulls"));
  assert.deepEqual(repoCalls.map((r) => r.headers["authorization"]), [
    `Bearer ${tokens[0].token}`,
    `Bearer ${tokens[0].token}`,
  ]);

  clock.now += 54 * 60_000; // 6 minutes before expiry: the cached token is still used
  await adapter.getPullRequest({ ...REPO, installation: "99" }, 7);
  assert.equal(github.installationTokens().length, 1);

  clock.now += 2 * 60_000; // inside the 5-minute margin: a new token
  await adapter.getPullRequest({ ...REPO, installation: "99" }, 7);
  const refreshed = github.installationTokens();
  assert.equal(refreshed.length, 2);
  assert.equal(github.requests.at(-1)?.headers["authorization"], `Bearer ${refreshed[1].token}`);
  assert.deepEqual(github.violations, []);
});

Deno.test("GitHub App: a token GitHub stops accepting early is replaced once", async () => {
  const fakeClock = { now: T0 };
  // Tokens live one minute on GitHub's clock, while Loom's clock stands still.
  const { github, adapter } = await appSetup(
    "pkcs8Pem",
    { github: () => fakeClock.now, loom: () => T0 },
    60_000,
  );
  await using _ = github;
  const repo = { ...REPO, installation: "99" };
  await adapter.getPullRequest(repo, 7);
  fakeClock.now += 120_000;
  assert.equal((await adapter.getPullRequest(repo, 7)).headSha, HEAD);
  assert.equal(github.installationTokens().length, 2);
});

Deno.test("fetchDiff asks for the .diff, and rebuilds it from the files list on 406", async () => {
  await using env = await setup();
  assert.equal(await env.adapter.fetchDiff(REPO, env.pr), SAMPLE_DIFF);
  assert.equal(env.github.requests.at(-1)?.headers["accept"], "application/vnd.github.diff");

  // 40 files: two pages of 30 in the fallback.
  let big = SAMPLE_DIFF;
  for (let i = 0; i < 38; i++) {
    big += `diff --git a/gen/f${i}.ts b/gen/f${i}.ts\nindex 1..2 100644\n--- a/gen/f${i}.ts\n` +
      `+++ b/gen/f${i}.ts\n@@ -${i + 1},2 +${i + 1},2 @@\n ctx\n-old ${i}\n+new ${i}\n`;
  }
  big +=
    "diff --git a/logo.png b/logo.png\nindex 1..2 100644\nBinary files a/logo.png and b/logo.png differ\n";
  env.github.updatePullRequest("octo/app", 7, { diff: big });
  env.github.failNext(githubFailure.diffTooLarge(), { times: Infinity });
  const rebuilt = await env.adapter.fetchDiff(REPO, env.pr);
  assert.deepEqual(reviewable(parseDiff(rebuilt)), reviewable(parseDiff(big)));
  assert.equal(parseDiff(rebuilt).length, 41);
  const pages = env.github.requests.filter((r) => r.path === "/repos/octo/app/pulls/7/files");
  assert.deepEqual(pages.map((r) => r.query), [{ per_page: "30" }, { per_page: "30", page: "2" }]);
});

Deno.test("fetchFile asks /contents for the raw file at the ref", async () => {
  await using env = await setup();
  env.github.setFile("octo/app", "main", ".loom/config.yaml", "pipelines: []\n");
  assert.equal(await env.adapter.fetchFile(REPO, ".loom/config.yaml", "main"), "pipelines: []\n");
  const sent = env.github.requests.at(-1)!;
  assert.equal(sent.path, "/repos/octo/app/contents/.loom/config.yaml");
  assert.deepEqual(sent.query, { ref: "main" });
  assert.equal(sent.headers["accept"], "application/vnd.github.raw+json");
});

Deno.test("bad credentials and a forbidden call are permanent, with clear messages", async () => {
  await using env = await setup();
  const wrong = createGithubAdapter({
    apiUrl: env.github.url,
    webhookSecret: SECRET,
    token: "ghp_wrongTokenValue",
  });
  const denied = await platformError(wrong.getPullRequest(REPO, 7));
  assert.match(denied.message, /^GitHub rejected the credentials/);
  assert.deepEqual([denied.status, denied.retryable], [401, false]);

  env.github.failNext(
    githubFailure.http(403, { message: "Resource not accessible by integration" }),
  );
  const forbidden = await platformError(env.adapter.setStatus(REPO, env.pr, {
    state: "success",
    description: "ok",
  }));
  assert.deepEqual([forbidden.status, forbidden.retryable], [403, false]);
  assert.match(forbidden.message, /Resource not accessible by integration/);
});

Deno.test("setStatus cuts the description to GitHub's 140 characters", async () => {
  await using env = await setup();
  await env.adapter.setStatus(REPO, env.pr, {
    state: "failure",
    description: "2 blockers: " + "x".repeat(200),
    targetUrl: "https://loom.example/reviews/1",
  });
  await env.adapter.setStatus(REPO, env.pr, { state: "pending", description: "Reviewing" });
  const [failure, pending] = env.github.statuses("octo/app", HEAD);
  assert.equal(failure.context, "loom");
  assert.equal(failure.state, "failure");
  assert.equal(failure.description?.length, 140);
  assert.ok(failure.description?.startsWith("2 blockers: xxx"));
  assert.equal(failure.targetUrl, "https://loom.example/reviews/1");
  assert.deepEqual([pending.state, pending.description, pending.targetUrl], [
    "pending",
    "Reviewing",
    null,
  ]);
  assert.deepEqual(env.github.violations, []);
});

Deno.test("postComment answers in the conversation, and the answer is never read as a command", async () => {
  await using env = await setup();
  await env.adapter.postComment(REPO, env.pr, "/loom review — re-runs the review.");
  const [answer] = env.github.comments("octo/app", 7);
  assert.match(answer.body, /\/loom review — re-runs the review\.$/);
  const delivery = await githubWebhook({
    secret: SECRET,
    event: "issue_comment",
    payload: {
      action: "created",
      repository: { full_name: "octo/app" },
      issue: { number: 7, pull_request: {} },
      comment: { body: answer.body, user: { login: "a-person-token", type: "User" } },
    },
  });
  assert.equal(kit.parseHook(env.adapter, delivery).type, "ignored");
  assert.deepEqual(env.github.violations, []);
});

Deno.test("compareCommits: a comparison whose diff GitHub refuses (406) is read from its files", async () => {
  await using env = await setup();
  const pushed = env.github.commits.commit(HEAD, { "src/a.ts": "one\n", "src/b.ts": "two\n" });
  env.github.failNext(githubFailure.diffTooLarge(), { path: /\/compare\// });
  const found = await env.adapter.compareCommits(REPO, HEAD, pushed);
  assert.equal(found.fromIsAncestor, true);
  assert.deepEqual(
    contract.reviewedFiles(found.diff),
    contract.reviewedFiles(env.github.commits.diff(HEAD, pushed)),
  );
  const asked = env.github.requests.filter((r) => r.path.includes("/compare/"));
  assert.deepEqual(asked.map((r) => r.headers["accept"]), [
    "application/vnd.github+json",
    "application/vnd.github.diff",
  ]);
});
