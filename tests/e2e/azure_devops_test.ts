/**
 * Azure DevOps end to end: a real `loom serve` process, service hook deliveries shaped like
 * Azure's documented payloads with the hook's Basic credentials, the fake Azure DevOps and the
 * fake model, both over real HTTP, and pull requests made by git.
 */
import assert from "node:assert/strict";
import { FINGERPRINT_PROPERTY, KIND_PROPERTY } from "../../adapters/azure_devops/adapter.ts";
import {
  type FakeAzureDevops,
  type FakeThread,
  startFakeAzureDevops,
} from "../fakes/azure_devops/server.ts";
import { pullRequestFromGit, pushFromGit } from "../fakes/azure_devops/_git.ts";
import {
  azureDevopsWebhook,
  pullRequestCommentPayload,
  pullRequestCreatedPayload,
  pullRequestUpdatedPayload,
} from "../fakes/azure_devops/payloads.ts";
import type { GitRepo } from "../git_repo.ts";
import { assertPlatformDisabled, waitFor } from "../support/child.ts";
import { assertIgnored, LLM_KEY, type LoomE2e, startLoomE2e } from "../support/e2e.ts";
import {
  FINDINGS,
  reviewCalls,
  reviewer,
  USERS_JS,
  userSearchRepo,
} from "../support/user_search_scenario.ts";

const TOKEN = "azdo-pat-for-tests-never-logged";
const HOOK_USER = "loom-service-hook";
const HOOK_PASSWORD = "hook-password-never-logged";
const PROJECT = "Fabrikam";
const REPO = "Fabrikam/app";

/**
 * The repository, made by git: `main` holds the config (on the base branch, where Loom reads it),
 * `feature` adds a search with SQL built from input, `feature2` then adds a delete built the same
 * way (a push to the pull request).
 */
async function gitRepo(llmUrl: string): Promise<GitRepo> {
  const git = await userSearchRepo(llmUrl);
  await git.git("checkout", "-q", "-b", "feature2");
  await git.write(
    "src/users.js",
    USERS_JS.search +
      '\nexport function remove(db, id) {\n  return db.query("delete from users where id = " + id);\n}\n',
  );
  await git.commit("Add user removal");
  return git;
}

/**
 * The model: for security, a blocker on the SQL line (and on the delete once pushed); for
 * quality, a warning on the README and an info outside the diff.
 */
const model = reviewer({
  security: (prompt) => [
    FINDINGS.sqlInjection,
    ...(prompt.includes("delete from users")
      ? [{
        path: "src/users.js",
        line: 11,
        end_line: 12,
        severity: "blocker",
        title: "SQL injection in remove",
        body: "`id` is concatenated into the query.",
        suggestion:
          'export function remove(db, id) {\n  return db.query("delete from users where id = ?", [id]);',
      }]
      : []),
  ],
});

interface World extends LoomE2e {
  azure: FakeAzureDevops;
  git: GitRepo;
  repoId: string;
  headSha: string;
}

async function world(): Promise<World> {
  const azure = await startFakeAzureDevops({ token: TOKEN });
  const { id: repoId } = azure.addRepository({ project: PROJECT, name: "app" });
  // The commenter of these tests (the payloads' default) may push (GenericContribute).
  azure.grant(`${PROJECT}/app`, {
    displayName: "Jamie Rivera",
    uniqueName: "jamie@fabrikam.example",
    id: "7f3c2a10-5b1e-4c8d-9a6f-2e4b8c1d0f93",
  }, 4);
  let git: GitRepo | undefined;
  let headSha = "";
  const e2e = await startLoomE2e({
    platformId: "azure-devops",
    model,
    async platform(llm) {
      git = await gitRepo(llm.url);
      const seeded = await pullRequestFromGit(azure, git, {
        repo: REPO,
        number: 1,
        title: "Add user search",
        base: "main",
        head: "feature",
      });
      headSha = seeded.headSha;
      return {
        LOOM_AZURE_DEVOPS_URL: azure.url,
        LOOM_AZURE_DEVOPS_TOKEN: TOKEN,
        LOOM_AZURE_DEVOPS_WEBHOOK_USERNAME: HOOK_USER,
        LOOM_AZURE_DEVOPS_WEBHOOK_PASSWORD: HOOK_PASSWORD,
      };
    },
    async close() {
      await azure.close();
      await git?.cleanup();
    },
  });
  return { ...e2e, azure, git: git!, repoId, headSha };
}

const event = (w: World, extra: { eventId?: string; headSha?: string } = {}) => ({
  project: PROJECT,
  repo: "app",
  repoId: w.repoId,
  pr: 1,
  headSha: w.headSha,
  ...extra,
});

async function deliver(
  w: World,
  payload: unknown,
  credentials: { username?: string; password?: string } = {
    username: HOOK_USER,
    password: HOOK_PASSWORD,
  },
  rawBody?: string,
) {
  const d = azureDevopsWebhook({ ...credentials, payload });
  return await w.postWebhook(d, rawBody ?? d.body);
}

const kindOf = (t: FakeThread) => t.properties[KIND_PROPERTY]?.$value;
const byKind = (w: World, kind: string) =>
  w.azure.threads(REPO, 1).filter((t) => kindOf(t) === kind && !t.isDeleted);
const jobCount = async (w: World) => (await w.api("/jobs?limit=100")).jobs.length;

Deno.test("azure-devops: a pull request is reviewed end to end, and nothing is ever posted twice", async () => {
  await using w = await world();
  const created = pullRequestCreatedPayload(event(w, { eventId: "2ab4e3d3-0001" }));
  const first = await deliver(w, created);
  assert.equal(first.status, 202, JSON.stringify(first.body));
  assert.ok(Number.isInteger(first.body.job_id));
  await w.reviewsDone(1);

  // One summary thread, closed so it never blocks completion, found by its property.
  const [summary, ...extraSummaries] = byKind(w, "summary");
  assert.equal(extraSummaries.length, 0);
  assert.equal(summary.status, "closed");
  assert.equal(summary.threadContext, null);
  assert.match(summary.comments[0].content, /Outside the diff/);
  assert.match(summary.comments[0].content, /Unchanged line/);
  // The findings as active threads on the right lines of the right files, in iteration 1.
  const inline = byKind(w, "inline");
  const iteration = w.azure.pullRequest(REPO, 1)!.iterations[0];
  const trackingId = (path: string) =>
    iteration.changes.find((c) => c.path === path)!.changeTrackingId;
  assert.deepEqual(
    inline.map((t) => [
      t.status,
      t.threadContext.filePath,
      t.threadContext.rightFileStart.line,
      t.threadContext.rightFileEnd.line,
      t.pullRequestThreadContext.changeTrackingId,
      t.pullRequestThreadContext.iterationContext.secondComparingIteration,
    ]).sort(),
    [
      ["active", "/README.md", 3, 3, trackingId("/README.md"), 1],
      ["active", "/src/users.js", 6, 6, trackingId("/src/users.js"), 1],
    ],
  );
  const sql = inline.find((t) => t.threadContext.filePath === "/src/users.js")!;
  assert.match(
    sql.comments[0].content,
    /Suggested change for line 6:\n\n```diff\n\+ {2}const sql/,
  );
  assert.match(String(sql.properties[FINGERPRINT_PROPERTY].$value), /^[0-9a-f]{16}$/);
  assert.doesNotMatch(sql.comments[0].content, /loom:/, "no marker in the text");
  // The status: pending, then failed (a blocker), on the head's iteration.
  assert.deepEqual(
    w.azure.statuses(REPO, 1).map((
      s,
    ) => [s.context.genre, s.context.name, s.state, s.iterationId]),
    [["loom", "review", "pending", 1], ["loom", "review", "failed", 1]],
  );
  assert.deepEqual(w.azure.violations, [], "nothing Azure would misplace");
  assert.ok(w.azure.requests.every((r) => r.query["api-version"] === "7.1"));
  // The model was asked with the diff Loom built from Azure's file versions, each line numbered.
  const chats = reviewCalls(w.llm.chats());
  assert.equal(chats.length, 2);
  assert.ok(chats.every((c) => c.headers.authorization === `Bearer ${LLM_KEY}`));
  assert.ok(
    chats.some((c) => JSON.stringify(c.body.messages).includes('6 +   const sql = \\"select')),
    "the diff reached the model",
  );
  const { reviews: stored } = await w.api("/reviews");
  assert.deepEqual(
    stored.map((r: { status: string; blockers: number }) => [r.status, r.blockers]),
    [
      ["succeeded", 1],
    ],
  );

  // The same delivery again: nothing queued.
  const jobs = await jobCount(w);
  const again = await deliver(w, created);
  assertIgnored(again, /already received/);
  // An update for the same head after the review finished (a vote, a title, a reviewer):
  // nothing queued.
  const voted = pullRequestUpdatedPayload({
    ...event(w, { eventId: "2ab4e3d3-0002" }),
    message: "Jamie Rivera voted 10 on the pull request",
  });
  const update = await deliver(w, voted);
  assertIgnored(update, /already reviewed/);
  assert.equal(await jobCount(w), jobs, "no job was queued");

  // /loom review reviews it again, from scratch: nothing is posted twice.
  const command = await deliver(
    w,
    pullRequestCommentPayload({
      ...event(w, { eventId: "2ab4e3d3-0003" }),
      content: "/loom review",
    }),
  );
  await w.assertReviewedAgain(command, () => ({
    summaries: byKind(w, "summary").length,
    inline: byKind(w, "inline").length,
  }), 2);
  assert.equal(byKind(w, "summary")[0].id, summary.id);

  // /loom help answers with the commands, in a closed thread.
  const help = await deliver(
    w,
    pullRequestCommentPayload({
      ...event(w, { eventId: "2ab4e3d3-0004" }),
      content: "/loom help",
      commentId: 2,
    }),
  );
  assert.equal(help.status, 202);
  await waitFor(() => byKind(w, "reply").length === 1, 10_000, "help reply");
  const [reply] = byKind(w, "reply");
  assert.equal(reply.status, "closed");
  assert.match(reply.comments[0].content, /\/loom review/);
  // Loom's own answer, delivered back by Azure, is not a command.
  const echoed = await deliver(
    w,
    pullRequestCommentPayload({
      ...event(w, { eventId: "2ab4e3d3-0005" }),
      content: reply.comments[0].content,
    }),
  );
  assert.equal(echoed.status, 200);

  // Wrong or missing credentials and malformed bodies queue nothing.
  const before = await jobCount(w);
  const fresh = pullRequestCreatedPayload(event(w, { eventId: "2ab4e3d3-0006" }));
  assert.equal((await deliver(w, fresh, { username: HOOK_USER, password: "wrong" })).status, 401);
  assert.equal(
    (await deliver(w, fresh, { username: "someone", password: HOOK_PASSWORD })).status,
    401,
  );
  assert.equal((await deliver(w, fresh, {})).status, 401);
  const malformed = structuredClone(fresh);
  delete malformed.resource.lastMergeSourceCommit;
  const bad = await deliver(w, malformed);
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /resource\.lastMergeSourceCommit is missing/);
  const notJson = await deliver(w, fresh, undefined, "{not json");
  assert.equal(notJson.status, 400);
  assert.equal(await jobCount(w), before, "nothing was queued");

  w.assertNoSecretLogged(TOKEN, HOOK_PASSWORD, btoa(`:${TOKEN}`));
});

Deno.test("azure-devops: a push is reviewed in its own iteration, and completion closes the pull request", async () => {
  await using w = await world();
  assert.equal((await deliver(w, pullRequestCreatedPayload(event(w)))).status, 202);
  await w.reviewsDone(1);
  assert.equal(byKind(w, "inline").length, 2);

  const pushed = await pushFromGit(w.azure, w.git, {
    repo: REPO,
    number: 1,
    base: "main",
    head: "feature2",
  });
  const update = await deliver(
    w,
    pullRequestUpdatedPayload(event(w, { headSha: pushed.headSha })),
  );
  assert.equal(update.status, 202, JSON.stringify(update.body));
  await w.reviewsDone(2);

  // Only the new finding is posted, as a range, anchored in iteration 2.
  const inline = byKind(w, "inline");
  assert.equal(inline.length, 3);
  const added = inline.at(-1)!;
  const iteration = w.azure.pullRequest(REPO, 1)!.iterations[1];
  assert.deepEqual(
    [
      added.threadContext.filePath,
      added.threadContext.rightFileStart.line,
      added.threadContext.rightFileEnd.line,
      added.pullRequestThreadContext.changeTrackingId,
      added.pullRequestThreadContext.iterationContext,
    ],
    [
      "/src/users.js",
      11,
      12,
      iteration.changes.find((c) => c.path === "/src/users.js")!.changeTrackingId,
      { firstComparingIteration: 1, secondComparingIteration: 2 },
    ],
  );
  assert.match(added.comments[0].content, /Suggested change for lines 11-12/);
  assert.equal(byKind(w, "summary").length, 1);
  assert.deepEqual(
    w.azure.statuses(REPO, 1).map((s) => [s.state, s.iterationId]),
    [["pending", 1], ["failed", 1], ["pending", 2], ["failed", 2]],
  );
  assert.deepEqual(w.azure.violations, []);

  w.azure.updatePullRequest(REPO, 1, { status: "completed" });
  const completed = await deliver(
    w,
    pullRequestUpdatedPayload({ ...event(w, { headSha: pushed.headSha }), status: "completed" }),
  );
  assert.equal(completed.status, 200);
  assert.match(completed.body.ok, /^closed/);
});

Deno.test("azure-devops: disabled without the hook's credentials: 404 saying why", async () => {
  await assertPlatformDisabled("azure-devops", "LOOM_AZURE_DEVOPS_WEBHOOK_USERNAME");
});
