import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { parseDiff } from "../../src/diff/mod.ts";
import { renderFindingComment } from "../../src/review/mod.ts";
import {
  type FakeGitlab,
  type FakeGitlabOptions,
  gitlabFailure,
  gitlabWebhook,
  startFakeGitlab,
} from "../../tests/fakes/gitlab/server.ts";
import { mergeRequestHook, mergeRequestNoteHook } from "../../tests/fakes/gitlab/payloads.ts";
import * as kit from "../../tests/support/adapter_test_kit.ts";
import * as contract from "../../tests/support/adapter_contract.ts";
import { runCompareContract } from "../../tests/support/compare_contract.ts";
import { createGitlabAdapter, type GitlabAdapterOptions, SUMMARY_MARKER } from "./adapter.ts";
import type { RepoRef } from "../../src/platform/mod.ts";

const { AROUND_REFUSED, BASE, comment, HEAD, OUTSIDE_DIFF, platformError, SAMPLE_DIFF, T0 } = kit;
const SECRET = kit.WEBHOOK_SECRET;
const TOKEN = "glpat-s3cretTokenValue0123456789";
const START = "c".repeat(40);
const PROJECT = "acme/platform/app";
const REPO: RepoRef = { platform: "gitlab", fullName: PROJECT, id: "14" };
const ENCODED = "/projects/acme%2Fplatform%2Fapp";

interface Env extends contract.ContractEnv {
  gitlab: FakeGitlab;
  waits: number[];
}

/** A fake GitLab with merge request acme/platform/app!7 and an adapter with a token. */
async function setup(
  adapterOptions: Partial<GitlabAdapterOptions> = {},
  fakeOptions: FakeGitlabOptions = {},
): Promise<Env> {
  const gitlab = await startFakeGitlab({ token: TOKEN, now: () => T0, ...fakeOptions });
  const { number: iid, headRef: sourceBranch, baseRef: targetBranch, ...seed } = kit.SEED;
  gitlab.addMergeRequest({
    ...seed,
    project: PROJECT,
    projectId: 14,
    iid,
    startSha: START,
    sourceBranch,
    targetBranch,
    author: "alice",
  });
  const waits: number[] = [];
  const adapter = createGitlabAdapter({
    url: gitlab.url,
    webhookSecret: SECRET,
    token: TOKEN,
    now: () => T0,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    ...adapterOptions,
  });
  return { ...await contract.contractEnv(gitlab, adapter, REPO), gitlab, waits };
}

/** A Merge Request Hook on !7 at HEAD. */
const hook = (action: string, extra: Partial<Parameters<typeof mergeRequestHook>[0]> = {}) =>
  mergeRequestHook({ action, project: { id: 14, path: PROJECT }, iid: 7, headSha: HEAD, ...extra });

const request = kit.hookRequest;

async function offline() {
  const url = await kit.closedUrl(startFakeGitlab);
  return createGitlabAdapter({ url, webhookSecret: SECRET, token: TOKEN });
}

const SUGGESTION = "Use a bound parameter.\n\n```suggestion:-1+0\n  return sql`select ${id}`;\n```";
const STATES = { pending: "running", failure: "failed", success: "success", error: "failed" };

runCompareContract<Env>({
  platform: "GitLab",
  setup: () => setup(),
  setupWithDiffLimit: (maxDiffBytes) => setup({ maxDiffBytes }),
  commits: (env) => env.gitlab.commits,
  readsDiff: (req) => /\/repository\/compare$/.test(req.path),
  exactDiff: true,
  setLabels: (env, labels) => env.gitlab.updateMergeRequest(PROJECT, 7, { labels }),
});

contract.runAdapterContract<Env, ReturnType<typeof gitlabFailure.http>>({
  platform: "GitLab",
  setup: () => setup(),
  offline,
  setupWithDiffLimit: (maxDiffBytes) => setup({ maxDiffBytes }),
  secrets: [TOKEN],
  pullRequest: {
    author: "alice",
    firstCall: () => ({
      path: "/projects/14/merge_requests/7",
      headers: { authorization: `Bearer ${TOKEN}` },
    }),
    update: (env, change) =>
      env.gitlab.updateMergeRequest(
        PROJECT,
        7,
        change === "draft" ? { draft: true } : { state: change },
      ),
    missing: {
      number: 99,
      message: "merge request acme/platform/app!99 not found (or the token cannot see it)",
    },
  },
  permissions(env) {
    const project = env.repo.fullName;
    env.gitlab.addMember(project, { username: "maintainer", id: 501 }, 40);
    env.gitlab.addMember(project, { username: "reporter", id: 502 }, 20);
    env.gitlab.addUser({ username: "stranger", id: 503 });
    // An old note hook names no id: the username is looked up.
    return {
      writer: { name: "maintainer" },
      reader: { name: "reporter", id: "502" },
      stranger: { name: "stranger", id: "503" },
    };
  },
  failures: {
    serverError: { failure: gitlabFailure.serverError(502), status: 502 },
    rateLimits: [
      {
        failure: gitlabFailure.rateLimited(3, T0),
        status: 429,
        retryAfterMs: 3000,
        message: /rate limit.*Retry later/,
      },
      {
        failure: gitlabFailure.http(429, "Retry later\n", {
          "ratelimit-reset": String(T0 / 1000 + 60),
        }),
        call: (env) => env.adapter.fetchDiff(env.repo, env.pr),
        status: 429,
        retryAfterMs: 61_000,
      },
      {
        failure: gitlabFailure.rateLimitedWithoutHeaders(),
        call: (env) => env.adapter.listComments(env.repo, env.pr),
        status: 429,
        retryAfterMs: undefined,
      },
    ],
    leaky: [
      gitlabFailure.rateLimited(1, T0),
      gitlabFailure.serverError(),
      gitlabFailure.http(401, { message: "401 Unauthorized" }),
      gitlabFailure.http(400, { message: { note: ["is invalid"] } }),
    ],
  },
  // GitLab's /diffs carry no index lines.
  diff: { expected: () => SAMPLE_DIFF.replace(/^index .*\n/gm, ""), exact: true },
  files: (env) => contract.seededFiles((f) => env.gitlab.setFile(PROJECT, f.ref, f.path, f.text)),
  summary: {
    stored: (env) => env.gitlab.notes(PROJECT, 7).map((n) => ({ id: String(n.id), body: n.body })),
    raw: (text) => `${SUMMARY_MARKER}\n\n${text}`,
    remove: (env, id) => env.gitlab.deleteNote(PROJECT, Number(id)),
    onPosted: (env) => assert.deepEqual(env.gitlab.notes(PROJECT, 7).map((n) => n.type), [null]),
    onEdited: (env) => assert.equal(env.gitlab.requests.at(-1)?.method, "PUT"),
  },
  inline: {
    landing: [
      comment("src/db.ts", 5, "fp-range", { startLine: 4, body: SUGGESTION }),
      comment("src/db.ts", 44, "fp-context"),
      comment("README.md", 2, "fp-readme", { startLine: 2 }),
    ],
    anchors: (env) =>
      env.gitlab.discussions(PROJECT, 7).map((d) => ({
        path: d.position.new_path,
        line: d.position.new_line,
        startLine: d.position.line_range?.start.new_line ?? null,
      })),
    ids: (env) => env.gitlab.discussions(PROJECT, 7).map((d) => String(d.noteIds[0])),
    onPosted(env) {
      const sent = env.gitlab.requests.filter((r) => r.path.endsWith("/discussions"));
      const refs = { base_sha: BASE, start_sha: START, head_sha: HEAD, position_type: "text" };
      assert.deepEqual(sent.map((r) => r.body.position), [
        {
          ...refs,
          old_path: "src/db.ts",
          new_path: "src/db.ts",
          new_line: 5,
          line_range: {
            start: { line_code: `${sha1("src/db.ts")}_4_4`, type: "new", new_line: 4 },
            end: { line_code: `${sha1("src/db.ts")}_4_5`, type: "new", new_line: 5 },
          },
        },
        { ...refs, old_path: "src/db.ts", new_path: "src/db.ts", new_line: 44, old_line: 41 },
        { ...refs, old_path: "README.md", new_path: "README.md", new_line: 2 },
      ]);
      assert.equal(sent[0].body.body, `${SUGGESTION}\n\n<!-- loom:fp:fp-range -->`);
      assert.deepEqual(env.gitlab.violations, []);
    },
    refusals: {
      good: AROUND_REFUSED,
      refused: [{
        comment: OUTSIDE_DIFF,
        reason:
          `400 Bad request - Note {:line_code=>["can't be blank", "must be a valid line code"]}`,
      }],
    },
    onRefused(env) {
      assert.deepEqual(
        env.gitlab.discussions(PROJECT, 7).map((d) => [d.position.new_path, d.position.new_line]),
        [["src/db.ts", 4], ["README.md", 2]],
      );
      assert.deepEqual(env.gitlab.violations, []);
    },
    serverError: {
      failure: gitlabFailure.serverError(503),
      path: /\/discussions$/,
    },
  },
  pagination: {
    others: { count: 200, add: (env, body) => void env.gitlab.addNote(PROJECT, 7, body) },
    quote: "Loom said <!-- loom:summary --> somewhere",
    seed: (env) => void env.gitlab.addNote(PROJECT, 7, "added 1 commit", { system: true }),
    inline: [comment("src/db.ts", 2, "fp-1"), comment("README.md", 1, "fp-2")],
    check(env, { listed, result }) {
      assert.equal(result.posted.length, 2);
      assert.deepEqual(listed.map((c) => [c.kind, c.id, c.fingerprint ?? null]), [
        ["summary", listed[0].id, null],
        ["inline", result.posted[0].id, "fp-1"],
        ["inline", result.posted[1].id, "fp-2"],
      ]);
      const pages = env.gitlab.requests.filter((r) =>
        r.method === "GET" && r.path.endsWith("/merge_requests/7/notes")
      );
      assert.deepEqual(pages.map((r) => [r.query.page ?? "1", r.query.per_page, r.query.sort]), [
        ["1", "100", "asc"],
        ["2", "100", "asc"],
        ["3", "100", "asc"],
      ]);
    },
  },
  foreign: {
    summary(env, raw) {
      const { id } = env.gitlab.addNote(PROJECT, 7, raw);
      return { id: String(id), text: () => env.gitlab.notes(PROJECT, 7)[0].body };
    },
    inline(env, fingerprint) {
      env.gitlab.addNote(PROJECT, 7, `Nothing to fix.\n\n<!-- loom:fp:${fingerprint} -->`);
    },
    editRefused: true,
  },
  status: {
    read: (env) =>
      env.gitlab.statuses(PROJECT, HEAD).map((s) => [s.name, s.status, s.description, s.targetUrl]),
    expected: (s) => ["loom", STATES[s.state], s.description, s.targetUrl ?? null],
  },
  webhook: {
    delivery(signed) {
      const payload = hook("open");
      const d = gitlabWebhook({
        token: signed === "right" ? SECRET : signed === "wrong" ? "other-token" : null,
        event: "Merge Request Hook",
        payload,
        idempotencyKey: "d-1",
      });
      return Promise.resolve(contract.delivery(d.headers, d.body));
    },
    deliveryId: "d-1",
    unconfigured: () => createGitlabAdapter({ url: "http://127.0.0.1:9", webhookSecret: "" }),
  },
});

Deno.test("verifyWebhook compares GitLab's token whole", async () => {
  const adapter = createGitlabAdapter({ url: "http://127.0.0.1:9", webhookSecret: SECRET });
  const payload = hook("open");
  const good = gitlabWebhook({ token: SECRET, event: "Merge Request Hook", payload });
  assert.equal(await kit.verifyHook(adapter, good), true);
  for (const token of [null, "", SECRET.slice(0, -1), `${SECRET}x`, SECRET.toUpperCase()]) {
    const d = gitlabWebhook({ token, event: "Merge Request Hook", payload });
    assert.equal(await kit.verifyHook(adapter, d), false, String(token));
  }
  const noSecret = createGitlabAdapter({ url: "http://127.0.0.1:9", webhookSecret: "" });
  const empty = gitlabWebhook({ token: "", event: "Merge Request Hook", payload });
  assert.equal(await kit.verifyHook(noSecret, empty), false);
});

Deno.test("deliveryId: Idempotency-Key, else X-Gitlab-Event-UUID, else one made from the body", () => {
  const adapter = createGitlabAdapter({ url: "http://127.0.0.1:9", webhookSecret: SECRET });
  const payload = hook("update", { oldrev: BASE });
  const delivery = (idempotencyKey: string | null, eventUuid: string | null) =>
    gitlabWebhook({
      token: SECRET,
      event: "Merge Request Hook",
      payload,
      idempotencyKey,
      eventUuid,
    });
  const both = delivery("key-1", "uuid-1");
  const none = new Uint8Array();
  assert.equal(adapter.deliveryId(request(both.headers), none), "key-1");
  assert.equal(adapter.deliveryId(request(delivery(null, "uuid-1").headers), none), "uuid-1");

  const neither = delivery(null, null);
  const raw = kit.bytes(neither.body);
  const first = request(neither.headers);
  assert.deepEqual(adapter.parseEvent(first, raw), {
    type: "review",
    reason: "new_commits",
    repo: REPO,
    pr: 7,
    headSha: HEAD,
    baseRef: "main",
    draft: false,
    actor: "alice",
  });
  const made = adapter.deliveryId(first, raw);
  assert.equal(made, `derived:mr:14:7:${HEAD}:update:new_commits`);
  // GitLab retrying the same delivery: another request, the same id.
  const retry = request(neither.headers);
  adapter.parseEvent(retry, raw);
  assert.equal(adapter.deliveryId(retry, raw), made);
});

Deno.test("getPullRequest maps an empty description", async () => {
  await using env = await setup();
  env.gitlab.updateMergeRequest(PROJECT, 7, { state: "merged", draft: true, description: "" });
  const merged = await env.adapter.getPullRequest(REPO, 7);
  assert.deepEqual([merged.state, merged.draft, merged.description], ["merged", true, ""]);
});
Deno.test("a project is found by its URL-encoded path too, below a relative URL root", async () => {
  await using env = await setup({}, { pathPrefix: "/gitlab" });
  assert.match(env.gitlab.url, /\/gitlab$/);
  const byPath: RepoRef = { platform: "gitlab", fullName: PROJECT };
  assert.equal((await env.adapter.getPullRequest(byPath, 7)).headSha, HEAD);
  assert.equal(env.gitlab.requests.at(-1)?.path, `${ENCODED}/merge_requests/7`);
  const notAPath = await platformError(
    env.adapter.getPullRequest({ platform: "gitlab", fullName: "app" }, 7),
  );
  assert.equal(notAPath.retryable, false);
});

Deno.test("a merge request GitLab is still preparing is read again, then retried later", async () => {
  await using env = await setup();
  env.gitlab.updateMergeRequest(PROJECT, 7, { unpreparedReads: 2 });
  const before = env.gitlab.requests.length;
  assert.equal((await env.adapter.getPullRequest(REPO, 7)).baseSha, BASE);
  assert.equal(env.gitlab.requests.length - before, 3, "two reads without diff_refs, then one");
  assert.deepEqual(env.waits, [1_000, 2_000]);

  env.gitlab.updateMergeRequest(PROJECT, 7, { unpreparedReads: 5 });
  const waiting = await platformError(env.adapter.getPullRequest(REPO, 7));
  assert.deepEqual([waiting.retryable, waiting.retryAfterMs], [true, 5_000]);
  assert.match(waiting.message, /still preparing the diff of acme\/platform\/app!7/);

  // A closed merge request is what it is: no waiting for a diff nobody will review.
  env.gitlab.updateMergeRequest(PROJECT, 7, { unpreparedReads: 5, state: "closed" });
  env.waits.length = 0;
  assert.equal((await env.adapter.getPullRequest(REPO, 7)).state, "closed");
  assert.deepEqual(env.waits, []);
});

Deno.test("fetchDiff rebuilds the diff from /diffs, over pages, by Link or x-next-page", async () => {
  for (const withoutLinkHeader of [false, true]) {
    await using env = await setup({}, { withoutLinkHeader });
    assert.equal(
      await env.adapter.fetchDiff(REPO, env.pr),
      SAMPLE_DIFF.replace(/^index .*\n/gm, ""),
    );

    let big = SAMPLE_DIFF;
    for (let i = 0; i < 120; i++) {
      big += `diff --git a/gen/f${i}.ts b/gen/f${i}.ts\n--- a/gen/f${i}.ts\n+++ b/gen/f${i}.ts\n` +
        `@@ -${i + 1},2 +${i + 1},2 @@\n ctx\n-old ${i}\n+new ${i}\n`;
    }
    env.gitlab.updateMergeRequest(PROJECT, 7, { diff: big, headSha: "d".repeat(40) });
    const files = parseDiff(await env.adapter.fetchDiff(REPO, env.pr));
    assert.equal(files.length, 122);
    assert.deepEqual(files.map((f) => f.hunks), parseDiff(big).map((f) => f.hunks));
    const pages = env.gitlab.requests.filter((r) => r.path.endsWith("/merge_requests/7/diffs"));
    assert.deepEqual(pages.slice(1).map((r) => [r.query.per_page, r.query.page ?? "1"]), [
      ["100", "1"],
      ["100", "2"],
    ]);
  }
});

Deno.test("files GitLab leaves out as too large come from /raw_diffs, or are marked skipped", async () => {
  await using env = await setup();
  env.gitlab.updateMergeRequest(PROJECT, 7, { tooLarge: ["src/db.ts"] });
  const whole = parseDiff(await env.adapter.fetchDiff(REPO, env.pr));
  assert.deepEqual(whole.map((f) => [f.path, f.binary, f.hunks.length]), [
    ["src/db.ts", false, 2],
    ["README.md", false, 1],
  ]);
  assert.ok(env.gitlab.requests.some((r) => r.path.endsWith("/merge_requests/7/raw_diffs")));

  await using old = await setup({}, { rawDiffs: false });
  old.gitlab.updateMergeRequest(PROJECT, 7, { tooLarge: ["src/db.ts"] });
  const partial = parseDiff(await old.adapter.fetchDiff(REPO, old.pr));
  assert.deepEqual(partial.map((f) => [f.path, f.binary, f.hunks.length]), [
    ["src/db.ts", true, 0],
    ["README.md", false, 1],
  ]);
});

Deno.test("an empty diff of a merge request not yet prepared is retryable", async () => {
  await using env = await setup();
  env.gitlab.updateMergeRequest(PROJECT, 7, { unpreparedReads: 1 });
  const error = await platformError(env.adapter.fetchDiff(REPO, env.pr));
  assert.deepEqual([error.retryable, error.retryAfterMs], [true, 5_000]);
  env.gitlab.updateMergeRequest(PROJECT, 7, { diff: "" });
  assert.equal(await env.adapter.fetchDiff(REPO, env.pr), "", "prepared and empty is empty");
});

Deno.test("fetchFile asks for the raw file with its path encoded whole", async () => {
  await using env = await setup();
  env.gitlab.setFile(PROJECT, "main", ".loom/config.yaml", "pipelines: []\n");
  env.gitlab.setFile(PROJECT, HEAD, "docs/my café #1.md", "# Café\n");
  assert.equal(await env.adapter.fetchFile(REPO, ".loom/config.yaml", "main"), "pipelines: []\n");
  const sent = env.gitlab.requests.at(-1)!;
  assert.equal(sent.path, "/projects/14/repository/files/.loom%2Fconfig.yaml/raw");
  assert.deepEqual(sent.query, { ref: "main" });
  assert.equal(await env.adapter.fetchFile(REPO, "docs/my café #1.md", HEAD), "# Café\n");
  assert.equal(
    env.gitlab.requests.at(-1)?.path,
    "/projects/14/repository/files/docs%2Fmy%20caf%C3%A9%20%231.md/raw",
  );
});
Deno.test("GitLab's older refusal of a line (by hash) is read as a rejection too", async () => {
  await using env = await setup({}, { lineCodeError: "hash" });
  const [good, alsoGood] = AROUND_REFUSED;
  const result = await env.adapter.postInline(REPO, env.pr, [good, OUTSIDE_DIFF, alsoGood]);
  assert.deepEqual(result.rejected, [{
    comment: OUTSIDE_DIFF,
    reason: "line_code can't be blank, must be a valid line code",
  }]);
  assert.deepEqual(result.posted.map((p) => p.fingerprint), ["fp-good", "fp-also"]);
  assert.deepEqual(
    env.gitlab.discussions(PROJECT, 7).map((d) => [d.position.new_path, d.position.new_line]),
    [["src/db.ts", 4], ["README.md", 2]],
  );
  assert.deepEqual(env.gitlab.violations, []);
});
Deno.test("postInline refuses to post on a head that moved; nothing to post is nothing sent", async () => {
  await using env = await setup();
  env.gitlab.updateMergeRequest(PROJECT, 7, { headSha: "e".repeat(40) });
  const moved = await platformError(
    env.adapter.postInline(REPO, env.pr, [comment("src/db.ts", 4, "fp")]),
  );
  assert.equal(moved.retryable, true);
  assert.match(moved.message, /moved from aaaaaaaaaaaa to eeeeeeeeeeee/);
  assert.deepEqual(env.gitlab.discussions(PROJECT, 7), []);

  const pr = await env.adapter.getPullRequest(REPO, 7);
  assert.deepEqual(await env.adapter.postInline(REPO, pr, []), { posted: [], rejected: [] });
});

Deno.test("a bad token and a refused call are permanent, with clear messages", async () => {
  await using env = await setup();
  const wrong = createGitlabAdapter({
    url: env.gitlab.url,
    webhookSecret: SECRET,
    token: "glpat-wrongTokenValue",
  });
  const denied = await platformError(wrong.getPullRequest(REPO, 7));
  assert.equal(
    denied.message,
    "GitLab rejected the token (401: 401 Unauthorized) on GET /projects/14/merge_requests/7",
  );
  assert.deepEqual([denied.status, denied.retryable], [401, false]);

  env.gitlab.failNext(gitlabFailure.http(403, { message: "403 Forbidden" }));
  const forbidden = await platformError(env.adapter.postComment(REPO, env.pr, "hi"));
  assert.deepEqual([forbidden.status, forbidden.retryable], [403, false]);
  assert.match(forbidden.message, /POST \/projects\/14\/merge_requests\/7\/notes failed with 403/);
});

Deno.test("setStatus: the same state twice is fine, descriptions are cut to 255, refusals are permanent", async () => {
  await using env = await setup();
  await env.adapter.setStatus(REPO, env.pr, { state: "pending", description: "Loom is reviewing" });
  // A retried review sets it again: GitLab refuses the same-state transition; that is fine.
  await env.adapter.setStatus(REPO, env.pr, { state: "pending", description: "Loom is reviewing" });
  await env.adapter.setStatus(REPO, env.pr, {
    state: "failure",
    description: "Loom: 2 blocker, " + "x".repeat(300),
    targetUrl: "https://loom.example/reviews/1",
  });
  await env.adapter.setStatus(REPO, env.pr, {
    state: "error",
    description: "every pipeline failed",
  });
  await env.adapter.setStatus(REPO, env.pr, { state: "success", description: "ok" });
  const statuses = env.gitlab.statuses(PROJECT, HEAD);
  assert.deepEqual(statuses.map((s) => [s.name, s.status]), [
    ["loom", "running"],
    ["loom", "failed"],
    ["loom", "failed"],
    ["loom", "success"],
  ]);
  assert.equal(statuses[1].description?.length, 255);
  assert.equal(statuses[1].targetUrl, "https://loom.example/reviews/1");
  assert.equal(statuses[0].targetUrl, null);
  const sent = env.gitlab.requests.filter((r) => r.path === `/projects/14/statuses/${HEAD}`);
  assert.equal(sent.length, 5);

  env.gitlab.failNext(gitlabFailure.http(400, { message: "name is too long" }));
  const refused = await platformError(
    env.adapter.setStatus(REPO, env.pr, { state: "success", description: "ok" }),
  );
  assert.deepEqual([refused.status, refused.retryable], [400, false]);
  assert.match(refused.message, /name is too long/);
});

Deno.test("postComment answers in the merge request, and the answer is never read as a command", async () => {
  await using env = await setup();
  await env.adapter.postComment(REPO, env.pr, "/loom review — re-runs the review.");
  const [answer] = env.gitlab.notes(PROJECT, 7);
  assert.match(answer.body, /^<!-- loom:reply -->\n\n\/loom review — re-runs the review\.$/);
  const delivery = gitlabWebhook({
    token: SECRET,
    event: "Note Hook",
    payload: mergeRequestNoteHook({
      project: { id: 14, path: PROJECT },
      iid: 7,
      note: answer.body,
    }),
  });
  assert.deepEqual(kit.parseHook(env.adapter, delivery), {
    type: "ignored",
    reason: "the note is Loom's own",
  });
});

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

Deno.test("GitLab suggestions say how many lines above the anchored last line they replace", async () => {
  await using env = await setup();
  const suggested = {
    path: "src/db.ts",
    line: 12,
    end_line: 14,
    severity: "blocker" as const,
    title: "SQL injection",
    body: "Bind the parameter.",
    suggestion: "const rows = await db.query(sql, [id]);\nreturn rows;\n",
    pipeline: "security",
    fingerprint: "fp",
    inDiff: true,
  };
  const text = renderFindingComment(suggested, env.adapter.dialect);
  assert.ok(
    text.endsWith("```suggestion:-2+0\nconst rows = await db.query(sql, [id]);\nreturn rows;\n```"),
  );
  const single = renderFindingComment({ ...suggested, end_line: undefined }, env.adapter.dialect);
  assert.ok(single.includes("```suggestion:-0+0\n"));
});

Deno.test("compareCommits: histories with nothing in common are no ancestor and have no merge base", async () => {
  await using env = await setup();
  const orphan = env.gitlab.commits.add({ files: { "a.ts": "orphan\n" } });
  const found = await env.adapter.compareCommits(REPO, HEAD, orphan, { diff: false });
  assert.deepEqual(found, { fromIsAncestor: false, mergeBase: null, diff: "" });
  // A 404 for anything else (the project) is still the failure it is.
  const error = await platformError(
    env.adapter.compareCommits({ ...REPO, id: "999" }, HEAD, orphan, { diff: false }),
  );
  assert.equal(error.status, 404);
  assert.equal(error.retryable, false);
});
