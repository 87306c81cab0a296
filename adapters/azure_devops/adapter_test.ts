import assert from "node:assert/strict";
import { parseDiff } from "../../src/diff/mod.ts";
import {
  azureFailure,
  type FakeAzureDevops,
  type FakeAzureDevopsOptions,
  startFakeAzureDevops,
} from "../../tests/fakes/azure_devops/server.ts";
import {
  pullRequestFromGit,
  pushFromGit,
  type SeededFromGit,
} from "../../tests/fakes/azure_devops/_git.ts";
import {
  azureDevopsWebhook,
  pullRequestCommentPayload,
  pullRequestCreatedPayload,
} from "../../tests/fakes/azure_devops/payloads.ts";
import { MAX_FILE_BYTES } from "../_shared/mod.ts";
import { type GitRepo, makeRepo } from "../../tests/git_repo.ts";
import * as kit from "../../tests/support/adapter_test_kit.ts";
import { watchEventLoop } from "../../tests/support/loop_watch.ts";
import * as contract from "../../tests/support/adapter_contract.ts";
import { runCompareContract } from "../../tests/support/compare_contract.ts";
import {
  type AzureDevopsAdapterOptions,
  createAzureDevopsAdapter,
  FINGERPRINT_PROPERTY,
  KIND_PROPERTY,
} from "./adapter.ts";
import type { RepoRef } from "../../src/platform/mod.ts";

const { comment, platformError } = kit;
const TOKEN = "azdo-pat-s3cret0123456789abcdefghijklmnop";
const HOOK_USER = "loom-hook";
const HOOK_PASSWORD = "hook-password-never-logged";
const REPO_NAME = "Fabrikam Web/app";

/**
 * The repository every test reviews, made by git: on `feature`, src/db.ts changes in two places
 * (new-side lines 1-7 and 37-43 can carry a comment), README.md is added, lib/util.ts is renamed
 * and edited, logo.png (binary) changes and old.txt is deleted. `feature2` pushes one more commit.
 */
async function fixture(): Promise<GitRepo> {
  const git = await makeRepo();
  const body = Array.from({ length: 40 }, (_, i) => `  step(${i});`);
  await git.write(
    "src/db.ts",
    [
      "import { sql } from '../sql.ts';",
      "export function find(id) {",
      "  return sql(id);",
      "}",
      ...body,
      "",
    ]
      .join("\n"),
  );
  await git.write(
    "lib/util.ts",
    "export const one = 1;\nexport const two = 2;\nexport const three = 3;\n",
  );
  await git.write("logo.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1]));
  await git.write("old.txt", "obsolete\n");
  await git.write(".loom/config.yaml", "pipelines: []\n");
  await git.commit("base");
  await git.git("checkout", "-q", "-b", "feature");
  const edited = [...body];
  edited.splice(36, 1, "  step(36, 'fast');", "  log('done');");
  await git.write(
    "src/db.ts",
    [
      "import { sql } from '../sql.ts';",
      "",
      "export function find(id: string) {",
      "  return sql`select * from t where id = ${id}`;",
      "}",
      ...edited,
      "",
    ].join("\n"),
  );
  await git.move("lib/util.ts", "lib/utils.ts");
  await git.write(
    "lib/utils.ts",
    "export const one = 1;\nexport const two = 2;\nexport const three = 4;\n",
  );
  await git.write("README.md", "# App\n\nDocs.\n");
  await git.write("logo.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 2]));
  await git.remove("old.txt");
  await git.commit("feature");
  await git.git("checkout", "-q", "-b", "feature2");
  await git.write("README.md", "# App\n\nDocs, and more docs.\n");
  await git.commit("more docs");
  return git;
}

const GIT = await fixture();
// Removed when the test process ends; Deno runs no hook after the last test.
globalThis.addEventListener("unload", () => {
  try {
    Deno.removeSync(GIT.dir, { recursive: true });
  } catch { /* already gone */ }
});

interface Env extends contract.ContractEnv {
  azure: FakeAzureDevops;
  seeded: SeededFromGit;
}

/** An adapter calling `url` with the PAT, checking deliveries by the service hook's user. */
function adapterAt(url: string, options: Partial<AzureDevopsAdapterOptions> = {}) {
  return createAzureDevopsAdapter({
    url,
    token: TOKEN,
    webhookUsername: HOOK_USER,
    webhookPassword: HOOK_PASSWORD,
    ...options,
  });
}

async function setup(
  fakeOptions: FakeAzureDevopsOptions = {},
  adapterOptions: Partial<AzureDevopsAdapterOptions> = {},
): Promise<Env> {
  const azure = await startFakeAzureDevops({ token: TOKEN, ...fakeOptions });
  const { id } = azure.addRepository({ project: "Fabrikam Web", name: "app" });
  const { number, title, description, baseRef: base } = kit.SEED;
  const seeded = await pullRequestFromGit(azure, GIT, {
    repo: REPO_NAME,
    number,
    title,
    description,
    base,
    head: "feature",
  });
  const adapter = adapterAt(azure.url, adapterOptions);
  const repo: RepoRef = { platform: "azure-devops", fullName: REPO_NAME, id };
  return { ...await contract.contractEnv(azure, adapter, repo), azure, seeded };
}

const SUGGESTION =
  "Use a bound parameter.\n\n```diff\n+  return sql`select * from t where id = ?`;\n```";
/** A delivery of the service hook: pull request 1 of Web/app created, event e-1. */
const HOOK_PAYLOAD = pullRequestCreatedPayload({
  eventId: "e-1",
  project: "Web",
  repo: "app",
  repoId: "r-1",
  pr: 1,
  headSha: "a".repeat(40),
});
const STATES = { pending: "pending", failure: "failed", success: "succeeded", error: "error" };
const ITERATION_1 = { firstComparingIteration: 1, secondComparingIteration: 1 };

const string = (value: string) => ({ $type: "System.String", $value: value });
/** The live threads Loom marked as `kind`. */
const threadsOf = (env: Env, kind: string) =>
  env.azure.threads(REPO_NAME, 7).filter((t) =>
    !t.isDeleted && t.properties[KIND_PROPERTY]?.$value === kind
  );

runCompareContract<Env>({
  platform: "Azure DevOps",
  setup: () => setup(),
  setupWithDiffLimit: (maxDiffBytes) => setup({}, { maxDiffBytes }),
  commits: (env) => env.azure.commits,
  // Azure has no diff endpoint: Loom reads each file's two versions.
  readsDiff: (req) => /\/items$/.test(req.path),
  // Built file by file, with git's function lines after each `@@`.
  exactDiff: false,
  setLabels: (env, labels) => env.azure.updatePullRequest(REPO_NAME, 7, { labels }),
  seeded: (env) => ({ head: env.seeded.headSha, base: env.seeded.mergeBase }),
});

contract.runAdapterContract<Env, ReturnType<typeof azureFailure.http>>({
  platform: "Azure DevOps",
  setup: () => setup(),
  offline: async () => adapterAt(await kit.closedUrl(startFakeAzureDevops)),
  setupWithDiffLimit: (maxDiffBytes) => setup({}, { maxDiffBytes }),
  secrets: [TOKEN, btoa(`:${TOKEN}`), HOOK_PASSWORD],
  pullRequest: {
    author: "jamie@fabrikam.example",
    expected: (env) => ({
      headSha: env.seeded.headSha,
      baseSha: env.seeded.targetSha,
      headRef: "feature",
    }),
    firstCall: (env) => ({
      path: `/Fabrikam%20Web/_apis/git/repositories/${env.repo.id}/pullrequests/7`,
      headers: {
        authorization: `Basic ${btoa(`:${TOKEN}`)}`,
        accept: "application/json",
        // A 401, not a sign-in page.
        "x-tfs-fedauthredirect": "Suppress",
      },
    }),
    update: (env, change) =>
      env.azure.updatePullRequest(
        REPO_NAME,
        7,
        change === "merged"
          ? { status: "completed" }
          : change === "closed"
          ? { status: "abandoned" }
          : { isDraft: true },
      ),
    missing: {
      number: 99,
      message: "pull request Fabrikam Web/app!99 not found (or the token cannot see it)",
    },
  },
  permissions(env) {
    const person = (uniqueName: string, n: number) => ({
      displayName: uniqueName,
      uniqueName,
      id: `00000000-0000-4000-8000-00000000000${n}`,
    });
    env.azure.grant(REPO_NAME, person("maintainer@fabrikam.example", 1), 4 | 2 | 1);
    env.azure.grant(REPO_NAME, person("reader@fabrikam.example", 2), 2);
    env.azure.addIdentity(person("stranger@fabrikam.example", 3));
    return {
      writer: { name: "maintainer@fabrikam.example", id: "00000000-0000-4000-8000-000000000001" },
      reader: { name: "reader@fabrikam.example", id: "00000000-0000-4000-8000-000000000002" },
      // No id: found by unique name.
      stranger: { name: "stranger@fabrikam.example" },
    };
  },
  failures: {
    serverError: {
      failure: azureFailure.serverError(503),
      match: { path: /\/threads$/ },
      status: 503,
    },
    rateLimits: [
      {
        failure: azureFailure.rateLimited(7),
        status: 429,
        retryAfterMs: 7000,
        message: /rate limit .*TF400733/,
      },
      {
        failure: azureFailure.rateLimited(2),
        match: { method: "POST", path: /\/threads$/ },
        call: (env) => env.adapter.postInline(env.repo, env.pr, [comment("src/db.ts", 3, "fp-1")]),
        status: 429,
        retryAfterMs: 2000,
      },
    ],
    leaky: [
      azureFailure.rateLimited(1),
      azureFailure.serverError(),
      azureFailure.badCredentials(),
      azureFailure.http(401, "Access Denied"),
      azureFailure.http(400, { message: "bad" }),
    ],
  },
  // Built from the iteration's changes: the same files and hunks as git's, not the same bytes.
  diff: { expected: (env) => env.seeded.diff, exact: false },
  files(env) {
    // A branch whose one file is past what Loom reads of a repository file.
    const huge = "f".repeat(40);
    env.azure.addCommit(REPO_NAME, huge, {
      "AGENTS.md": "Be kind.\n".repeat(MAX_FILE_BYTES / 8),
    });
    env.azure.setBranch(REPO_NAME, "huge", huge);
    return Promise.resolve({
      present: [
        { path: ".loom/config.yaml", ref: "main", text: "pipelines: []\n" },
        { path: "README.md", ref: env.seeded.headSha, text: "# App\n\nDocs.\n" },
      ],
      missing: [
        { path: "README.md", ref: "refs/heads/main" },
        { path: "x", ref: "no-such-branch" },
      ],
      tooLarge: [{ path: "AGENTS.md", ref: "huge" }],
    });
  },
  summary: {
    stored: (env) =>
      threadsOf(env, "summary").map((t) => ({ id: `${t.id}/1`, body: t.comments[0].content })),
    raw: (text) => text,
    remove: (env, id) => env.azure.deleteThread(REPO_NAME, 7, Number(id.split("/")[0])),
    before: (env) =>
      void env.azure.addThread(REPO_NAME, 7, "## Loom review\n\nA person quoting Loom."),
    onPosted(env) {
      const [, thread] = env.azure.threads(REPO_NAME, 7);
      assert.equal(thread.status, "closed");
      assert.equal(thread.threadContext, null);
      assert.deepEqual(thread.properties[KIND_PROPERTY], string("summary"));
    },
    onEdited(env) {
      const [, thread] = env.azure.threads(REPO_NAME, 7);
      const patch = env.azure.requests.at(-1)!;
      assert.equal(patch.method, "PATCH");
      assert.match(patch.path, new RegExp(`/threads/${thread.id}/comments/1$`));
      assert.deepEqual(patch.body, { content: "## Loom review\n\n1 warning." });
      assert.equal(env.azure.threads(REPO_NAME, 7).length, 2);
    },
    onDone: (env) => assert.deepEqual(env.azure.violations, []),
  },
  inline: {
    landing: [
      comment("src/db.ts", 4, "fp-range", { startLine: 3, body: SUGGESTION }),
      comment("src/db.ts", 41, "fp-single", { startLine: 41 }),
      comment("README.md", 1, "fp-readme"),
      comment("lib/utils.ts", 3, "fp-renamed"),
    ],
    anchors: (env) =>
      threadsOf(env, "inline").map((
        { threadContext: { filePath, rightFileStart, rightFileEnd } },
      ) => ({
        path: filePath.slice(1),
        line: rightFileEnd.line,
        startLine: rightFileStart.line === rightFileEnd.line ? null : rightFileStart.line,
      })),
    ids: (env) => threadsOf(env, "inline").map((t) => `${t.id}/1`),
    onPosted(env) {
      const threads = env.azure.threads(REPO_NAME, 7);
      const iteration = env.azure.pullRequest(REPO_NAME, 7)!.iterations[0];
      const trackingId = (path: string) =>
        iteration.changes.find((c) => c.path === path)!.changeTrackingId;
      /** An active thread on lines `start`-`end` of `path`, up to column `endOffset`. */
      const active = (path: string, start: number, end: number, endOffset: number) => [
        "active",
        path,
        { line: start, offset: 1 },
        { line: end, offset: endOffset },
        trackingId(path),
        ITERATION_1,
      ];
      assert.deepEqual(
        threads.map((t) => [
          t.status,
          t.threadContext.filePath,
          t.threadContext.rightFileStart,
          t.threadContext.rightFileEnd,
          t.pullRequestThreadContext.changeTrackingId,
          t.pullRequestThreadContext.iterationContext,
        ]),
        [
          active("/src/db.ts", 3, 4, 48),
          active("/src/db.ts", 41, 41, 12),
          active("/README.md", 1, 1, 6),
          active("/lib/utils.ts", 3, 3, 24),
        ],
      );
      assert.notEqual(trackingId("/src/db.ts"), trackingId("/README.md"));
      assert.equal(threads[0].comments[0].content, SUGGESTION);
      assert.deepEqual(threads[0].properties[FINGERPRINT_PROPERTY], string("fp-range"));
      assert.deepEqual(threads[0].properties[KIND_PROPERTY], string("inline"));
      assert.deepEqual(env.azure.violations, [], "every anchor is where Azure shows the diff");
    },
    refusals: {
      good: [
        comment("src/db.ts", 2, "fp-good"),
        comment("README.md", 3, "fp-also", { startLine: 1 }),
      ],
      refused: [
        {
          comment: comment("src/db.ts", 20, "fp-unchanged"),
          reason: "line 20 of src/db.ts is not part of the diff",
        },
        {
          comment: comment("src/db.ts", 41, "fp-two-hunks", { startLine: 4 }),
          reason: "lines 4-41 of src/db.ts are not in one hunk of the diff",
        },
        {
          comment: comment("docs/none.md", 1, "fp-no-file"),
          reason: "docs/none.md is not a file of the diff",
        },
        { comment: comment("logo.png", 1, "fp-binary"), reason: "logo.png is a binary file" },
        {
          comment: comment("src/db.ts", 4, "fp-backwards", { startLine: 5 }),
          reason: "the range 5-4 of src/db.ts starts after it ends",
        },
      ],
    },
    async onRefused(env) {
      const posted = env.azure.requests.filter((r) =>
        r.method === "POST" && r.path.endsWith("/threads")
      );
      assert.equal(posted.length, 2, "the rejected ones were never sent");
      assert.deepEqual(env.azure.violations, []);

      // Azure's own refusal of one thread (400) rejects it alone.
      env.azure.failNext(
        azureFailure.http(400, {
          message: "TF401234: The comment is too long.",
          typeKey: "InvalidArgumentValueException",
        }),
        { method: "POST", path: /\/threads$/ },
      );
      const refused = await env.adapter.postInline(env.repo, env.pr, [
        comment("src/db.ts", 3, "fp-a"),
        comment("src/db.ts", 5, "fp-b"),
      ]);
      assert.deepEqual(refused.rejected.map((r) => [r.comment.fingerprint, r.reason]), [
        ["fp-a", "TF401234: The comment is too long."],
      ]);
      assert.deepEqual(refused.posted.map((c) => c.fingerprint), ["fp-b"]);
    },
    serverError: {
      failure: azureFailure.serverError(503),
      path: /\/threads$/,
      comment: comment("src/db.ts", 3, "fp"),
    },
  },
  pagination: {
    others: { count: 230, add: (env, body) => env.azure.addThread(REPO_NAME, 7, body) },
    inline: kit.manyComments(30, "src/db.ts", 7),
    afterPost: (env) => env.adapter.postComment(env.repo, env.pr, "An answer."),
    check(env, { listed, result, before }) {
      // Azure has no pages of threads: one GET returns them all.
      assert.equal(result.posted.length, 30);
      // Besides the one-time question of who Loom is (its connection data).
      const calls = env.azure.requests.slice(before).filter((r) => !/connectionData$/.test(r.path));
      assert.equal(calls.length, 1, "GET threads returns them all");
      assert.equal(listed.length, 31);
    },
  },
  foreign: {
    summary(env, raw) {
      // Anyone may set a thread's properties: the summary's kind included.
      const t = env.azure.addThread(REPO_NAME, 7, raw, undefined, { [KIND_PROPERTY]: "summary" });
      return {
        id: `${t.id}/1`,
        text: () => env.azure.threads(REPO_NAME, 7)[0].comments[0].content,
      };
    },
    inline(env, fingerprint) {
      env.azure.addThread(REPO_NAME, 7, "Nothing to fix.", undefined, {
        [KIND_PROPERTY]: "inline",
        [FINGERPRINT_PROPERTY]: fingerprint,
      });
    },
    editRefused: true,
  },
  status: {
    read: (env) =>
      env.azure.statuses(REPO_NAME, 7).map((
        s,
      ) => [s.state, s.context, s.iterationId, s.description, s.targetUrl]),
    expected: (s) => [
      STATES[s.state],
      { genre: "loom", name: "review" },
      1,
      s.description,
      s.targetUrl ?? null,
    ],
  },
  webhook: {
    delivery(signed) {
      const d = azureDevopsWebhook({
        ...(signed === "right"
          ? { username: HOOK_USER, password: HOOK_PASSWORD }
          : signed === "wrong"
          ? { username: HOOK_USER, password: "wrong" }
          : {}),
        payload: HOOK_PAYLOAD,
      });
      return Promise.resolve(contract.delivery(d.headers, d.body));
    },
    // The delivery id is the body's `id`.
    deliveryId: "e-1",
    unconfigured: () =>
      adapterAt("http://127.0.0.1:9/org", { webhookUsername: "", webhookPassword: "" }),
  },
});

Deno.test("verifyWebhook wants the service hook's Basic credentials, both of them", async () => {
  const adapter = adapterAt("http://127.0.0.1:9/org");
  const payload = HOOK_PAYLOAD;
  const check = (credentials: { username?: string; password?: string }, a = adapter) =>
    kit.verifyHook(a, azureDevopsWebhook({ ...credentials, payload }));
  assert.equal(await check({ username: "someone", password: HOOK_PASSWORD }), false);
  assert.equal(await check({ username: HOOK_USER, password: HOOK_PASSWORD + "x" }), false);
  const bearer = new Request("http://loom/", {
    headers: { authorization: `Bearer ${HOOK_PASSWORD}` },
  });
  assert.equal(await adapter.verifyWebhook(bearer, new Uint8Array()), false);
  const garbled = new Request("http://loom/", { headers: { authorization: "Basic %%%" } });
  assert.equal(await adapter.verifyWebhook(garbled, new Uint8Array()), false);
  const unset = adapterAt("http://127.0.0.1:9/org", { webhookUsername: "", webhookPassword: "" });
  assert.equal(await check({ username: "", password: "" }, unset), false);

  const d = azureDevopsWebhook({ username: HOOK_USER, password: HOOK_PASSWORD, payload });
  assert.equal(kit.parseHook(adapter, d).type, "review");
});

Deno.test("getPullRequest sends api-version=7.1, by id or by name", async () => {
  await using env = await setup();
  assert.deepEqual(env.azure.requests[0].query, { "api-version": "7.1" });

  // Without the repository id (a job started from the API), the name is used.
  const byName = await env.adapter.getPullRequest(
    { platform: "azure-devops", fullName: REPO_NAME },
    7,
  );
  assert.equal(byName.headSha, env.seeded.headSha);
  assert.equal(
    env.azure.requests.at(-1)?.path,
    "/Fabrikam%20Web/_apis/git/repositories/app/pullrequests/7",
  );

  env.azure.updatePullRequest(REPO_NAME, 7, { status: "abandoned", isDraft: true });
  const abandoned = await env.adapter.getPullRequest(env.repo, 7);
  assert.deepEqual([abandoned.state, abandoned.draft], ["closed", true]);

  // Before Azure has computed the merge, the latest iteration gives the head.
  env.azure.updatePullRequest(REPO_NAME, 7, { mergeComputed: false, status: "active" });
  const pending = await env.adapter.getPullRequest(env.repo, 7);
  assert.deepEqual([pending.headSha, pending.baseSha], [env.seeded.headSha, env.seeded.targetSha]);
  assert.deepEqual(env.azure.violations, []);
});

Deno.test("fetchDiff builds git's diff from the iteration's changes and both versions of each file", async () => {
  await using env = await setup();
  const diff = await env.adapter.fetchDiff(env.repo, env.pr);
  assert.deepEqual(parseDiff(diff).map((f) => [f.status, f.path]), [
    ["added", "README.md"],
    ["renamed", "lib/utils.ts"],
    ["modified", "logo.png"],
    ["deleted", "old.txt"],
    ["modified", "src/db.ts"],
  ]);

  const calls = env.azure.requests.slice(1);
  const prPath = `/Fabrikam%20Web/_apis/git/repositories/${env.repo.id}/pullRequests/7`;
  assert.equal(calls[0].path, `${prPath}/iterations`);
  assert.equal(calls[1].path, `${prPath}/iterations/1/changes`);
  assert.deepEqual(calls[1].query, {
    $top: "2000",
    $skip: "0",
    $compareTo: "0",
    "api-version": "7.1",
  });
  const items = calls.filter((r) => r.path.endsWith("/items"));
  assert.ok(items.every((r) => r.headers["accept"] === "application/octet-stream"));
  const fetched = items.map((r) =>
    `${r.query.path}@${
      r.query["versionDescriptor.version"] === env.seeded.mergeBase ? "base" : "head"
    }`
  ).sort();
  assert.deepEqual(fetched, [
    "/README.md@head",
    "/lib/util.ts@base",
    "/lib/utils.ts@head",
    "/logo.png@base",
    "/logo.png@head",
    "/old.txt@base",
    "/src/db.ts@base",
    "/src/db.ts@head",
  ]);
  assert.ok(items.every((r) => r.query["versionDescriptor.versionType"] === "commit"));
  assert.ok(env.azure.requests.every((r) => r.query["api-version"] === "7.1"));
  assert.deepEqual(env.azure.violations, []);
});

Deno.test("iteration changes are read over every page, by nextSkip/nextTop or continuation token", async () => {
  for (const changesPaging of ["skip", "continuation"] as const) {
    await using env = await setup({ maxChangesPage: 2, changesPaging });
    const diff = await env.adapter.fetchDiff(env.repo, env.pr);
    assert.equal(parseDiff(diff).length, 5, changesPaging);
    const pages = env.azure.requests.filter((r) => r.path.endsWith("/changes"));
    assert.equal(pages.length, 3, changesPaging);
    if (changesPaging === "skip") {
      assert.deepEqual(pages.map((r) => [r.query.$skip, r.query.$top]), [
        ["0", "2000"],
        ["2", "2"],
        ["4", "2"],
      ]);
    } else {
      assert.deepEqual(pages.map((r) => r.query.continuationToken), [undefined, "2", "4"]);
    }
  }
});

Deno.test("after a push, each head's diff comes from its own iteration", async () => {
  await using env = await setup();
  const pushed = await pushFromGit(env.azure, GIT, {
    repo: REPO_NAME,
    number: 7,
    base: "main",
    head: "feature2",
  });
  const now = await env.adapter.getPullRequest(env.repo, 7);
  assert.equal(now.headSha, pushed.headSha);
  assert.deepEqual(
    contract.reviewedFiles(await env.adapter.fetchDiff(env.repo, now)),
    contract.reviewedFiles(pushed.diff),
  );
  // The first head is still reviewable (a job started before the push): iteration 1.
  const before = await env.adapter.fetchDiff(env.repo, env.pr);
  assert.deepEqual(contract.reviewedFiles(before), contract.reviewedFiles(env.seeded.diff));
  const changes = env.azure.requests.filter((r) => r.path.endsWith("/changes")).map((r) =>
    r.path.split("/").at(-2)
  );
  assert.deepEqual(changes, ["2", "1"]);

  // A head Azure has no iteration for yet: retry soon.
  const early = await platformError(
    env.adapter.fetchDiff(env.repo, { ...now, headSha: "c".repeat(40) }),
  );
  assert.deepEqual([early.retryable, early.retryAfterMs], [true, 10_000]);
  assert.match(early.message, /no iteration for cccccccccccc yet/);
});

Deno.test("fetchFile asks for the item at a branch or a commit", async () => {
  await using env = await setup();
  assert.equal(
    await env.adapter.fetchFile(env.repo, ".loom/config.yaml", "main"),
    "pipelines: []\n",
  );
  const sent = env.azure.requests.at(-1)!;
  assert.deepEqual(sent.query, {
    path: "/.loom/config.yaml",
    "versionDescriptor.version": "main",
    "versionDescriptor.versionType": "branch",
    download: "true",
    "api-version": "7.1",
  });
  assert.equal(
    await env.adapter.fetchFile(env.repo, "README.md", env.seeded.headSha),
    "# App\n\nDocs.\n",
  );
  assert.equal(env.azure.requests.at(-1)?.query["versionDescriptor.versionType"], "commit");
});
Deno.test("a PAT Azure rejects is permanent, by sign-in page, 401 or redirect", async () => {
  await using env = await setup();
  const wrong = adapterAt(env.azure.url, { token: "not-the-pat" });
  const denied = await platformError(wrong.getPullRequest(env.repo, 7));
  assert.match(denied.message, /^Azure DevOps rejected the credentials \(203, a sign-in page\)/);
  assert.deepEqual([denied.status, denied.retryable], [203, false]);

  env.azure.failNext(azureFailure.http(401, "Access Denied"));
  const unauthorized = await platformError(
    env.adapter.setStatus(env.repo, env.pr, { state: "pending", description: "x" }),
  );
  assert.match(unauthorized.message, /^Azure DevOps rejected the credentials \(401/);
  assert.equal(unauthorized.retryable, false);

  env.azure.failNext(
    azureFailure.http(302, "", { location: "https://spsprodweu5.vssps.visualstudio.com/_signin" }),
  );
  const redirected = await platformError(env.adapter.getPullRequest(env.repo, 7));
  assert.match(redirected.message, /^Azure DevOps rejected the credentials \(302\)/);
  assert.equal(
    env.azure.requests.filter((r) => r.path.includes("_signin")).length,
    0,
    "the sign-in page never receives the token",
  );
});

Deno.test("postComment answers in a closed thread, and the answer is never read as a command", async () => {
  await using env = await setup();
  await env.adapter.postComment(env.repo, env.pr, "/loom review — reviews the pull request again.");
  const [answer] = env.azure.threads(REPO_NAME, 7);
  assert.equal(answer.status, "closed");
  assert.deepEqual(answer.properties[KIND_PROPERTY], { $type: "System.String", $value: "reply" });
  assert.equal(answer.comments[0].content, "\\/loom review — reviews the pull request again.");
  const payload = pullRequestCommentPayload({
    project: "Fabrikam Web",
    repo: "app",
    repoId: env.repo.id!,
    pr: 7,
    headSha: env.pr.headSha,
    content: answer.comments[0].content,
  });
  const raw = kit.bytes(JSON.stringify(payload));
  assert.equal(env.adapter.parseEvent(new Request("http://loom/"), raw).type, "ignored");
  assert.deepEqual(await env.adapter.listComments(env.repo, env.pr), []);
});

Deno.test("Azure DevOps diff time: a rewritten 40,000-line file does not block the event loop, and a file over the cap is listed as not reviewed", async () => {
  await using git = await makeRepo();
  const lines = (n: number, tag: string) =>
    Array.from({ length: n }, (_, i) => `${tag} ${i}\n`).join("");
  await git.write("big.txt", lines(40_000, "old line"));
  // Over the 1 MiB cap on the new side: never read on, never diffed.
  await git.write("huge.sql", "select 1;\n");
  await git.commit("base");
  await git.git("checkout", "-q", "-b", "feature");
  await git.write("big.txt", lines(40_000, "rewritten"));
  await git.write("huge.sql", "insert into t values (1);\n".repeat(50_000));
  await git.commit("rewrite");
  await using azure = await startFakeAzureDevops({ token: TOKEN });
  const { id } = azure.addRepository({ project: "Fabrikam Web", name: "app" });
  await pullRequestFromGit(azure, git, {
    repo: REPO_NAME,
    number: 7,
    base: "main",
    head: "feature",
  });
  const adapter = adapterAt(azure.url);
  const repo: RepoRef = { platform: "azure-devops", fullName: REPO_NAME, id };
  const pr = await adapter.getPullRequest(repo, 7);

  // A timer that must keep firing while the diff is built, as webhooks and /health must.
  const watch = watchEventLoop(20);
  const stats: ReturnType<typeof watch.stop>[] = [];
  const diff = await adapter.fetchDiff(repo, pr).finally(() => stats.push(watch.stop()));
  const [{ ticks, longestGapMs: longestGap }] = stats;
  assert.ok(ticks > 10, `the timer fired ${ticks} times`);
  // A safety bound, not a speed figure: a blocked loop misses ticks for seconds.
  assert.ok(longestGap < 1000, `the event loop stalled ${Math.round(longestGap)} ms`);

  const files = parseDiff(diff);
  const big = files.find((f) => f.path === "big.txt")!;
  assert.equal(big.additions, 40_000, "the rewrite is still a complete diff");
  const huge = files.find((f) => f.path === "huge.sql")!;
  assert.equal(huge.tooLargeToDiff, true);
  assert.equal(huge.hunks.length, 0);
});
