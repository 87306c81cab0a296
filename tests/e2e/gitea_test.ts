/**
 * Gitea and Forgejo end to end: a real `loom serve` process, signed deliveries shaped like the
 * ones Gitea and Forgejo send, the fake instance and the fake model, both over real HTTP.
 */
import assert from "node:assert/strict";
import { type FakeGitea, giteaWebhook, startFakeGitea } from "../fakes/gitea/server.ts";
import { giteaCommentPayload, giteaPullRequestPayload } from "../fakes/gitea/payloads.ts";
import { assertPlatformDisabled, waitFor, withServe } from "../support/child.ts";
import { assertIgnored, type LoomE2e, startLoomE2e } from "../support/e2e.ts";
import {
  FINDINGS,
  reviewCalls,
  reviewer,
  seedUserSearch,
  userSearchDiff,
} from "../support/user_search_scenario.ts";

const SECRET = "gitea-webhook-secret-for-tests";
const TOKEN = "gitea_token_never_logged_0123456789";
const REPO = "octo/app";

/**
 * The model: a blocker on the SQL (lines 6-7) for security, a warning on the README and a
 * finding outside the diff for quality.
 */
const model = reviewer({
  security: [{
    ...FINDINGS.sqlInjection,
    end_line: 7,
    suggestion:
      '  const sql = "select * from users where name = ?";\n  return db.query(sql, [name]);',
  }],
});

interface World extends LoomE2e {
  gitea: FakeGitea;
  headSha: string;
  flavor: "gitea" | "forgejo";
}

async function world(flavor: "gitea" | "forgejo"): Promise<World> {
  const gitea = await startFakeGitea({ token: TOKEN, flavor });
  const headSha = "a".repeat(40);
  const e2e = await startLoomE2e({
    platformId: "gitea",
    model,
    async platform(llm) {
      seedUserSearch(gitea, { repo: REPO, headSha, diff: await userSearchDiff() }, llm.url);
      // The commenter of these tests may command Loom (LOOM_COMMANDS_FROM=writers).
      gitea.grant(REPO, "alice", "write");
      return {
        LOOM_GITEA_WEBHOOK_SECRET: SECRET,
        LOOM_GITEA_URL: gitea.url,
        LOOM_GITEA_TOKEN: TOKEN,
      };
    },
    close: () => gitea.close(),
  });
  return { ...e2e, gitea, headSha, flavor };
}

async function deliver(
  w: World,
  eventType: string,
  payload: unknown,
  deliveryId?: string,
  secret = SECRET,
) {
  const d = await giteaWebhook({ secret, eventType, payload, deliveryId, flavor: w.flavor });
  return await w.postWebhook(d);
}

const opened = (w: World, headSha = w.headSha) =>
  giteaPullRequestPayload({ action: "opened", repo: REPO, pr: 1, headSha });
const synchronized = (headSha: string) =>
  giteaPullRequestPayload({ action: "synchronized", repo: REPO, pr: 1, headSha });
const comment = (body: string, user?: string) =>
  giteaCommentPayload({ repo: REPO, pr: 1, body, user });

Deno.test("gitea: a pull request is reviewed end to end, and nothing is ever posted twice", async () => {
  await using w = await world("gitea");
  const first = await deliver(w, "pull_request", opened(w), "delivery-1");
  assert.equal(first.status, 202);
  assert.ok(Number.isInteger(first.body.job_id));
  await w.reviewsDone(1);

  // One summary comment, found by its marker, with the counts and the outside-diff finding.
  const comments = w.gitea.comments(REPO, 1);
  assert.equal(comments.length, 1);
  assert.equal(comments[0].user, "loom-bot");
  assert.match(comments[0].body, /^<!-- loom:summary -->\n\n/);
  assert.match(comments[0].body, /Outside the diff/);
  assert.match(comments[0].body, /Unchanged line/);
  // The inline comments: one submitted COMMENT review, new-file lines, the range's first line.
  const reviews = w.gitea.reviews(REPO, 1);
  assert.deepEqual(reviews.map((r) => [r.state, r.commitId]), [["COMMENT", w.headSha]]);
  const inline = w.gitea.reviewComments(REPO, 1);
  assert.deepEqual(inline.map((c) => [c.path, c.newLine, c.oldLine, c.extraLines]).sort(), [
    ["README.md", 3, 0, 0],
    ["src/users.js", 6, 0, 0],
  ]);
  const sql = inline.find((c) => c.path === "src/users.js")!;
  assert.match(sql.body, /Suggested change for lines 6-7:\n\n```diff\n\+ {2}const sql = /);
  assert.doesNotMatch(sql.body, /```suggestion/, "Gitea has no suggestion blocks");
  assert.match(sql.body, /<!-- loom:fp:[0-9a-f]{16} -->$/);
  const sent = w.gitea.requests.find((r) => r.method === "POST" && r.path.endsWith("/reviews"))!;
  assert.equal(sent.body.event, "COMMENT");
  assert.equal(sent.headers.authorization, `token ${TOKEN}`);
  // The status: pending, then failure (a blocker).
  assert.deepEqual(w.gitea.statuses(REPO, w.headSha).map((s) => [s.context, s.state]), [
    ["loom", "pending"],
    ["loom", "failure"],
  ]);
  assert.equal(reviewCalls(w.llm.chats()).length, 2);
  const { reviews: stored } = await w.api("/reviews");
  assert.deepEqual(
    stored.map((r: { status: string; blockers: number }) => [r.status, r.blockers]),
    [
      ["succeeded", 1],
    ],
  );

  // The same delivery again: nothing queued.
  const again = await deliver(w, "pull_request", opened(w), "delivery-1");
  assertIgnored(again, /already received/);
  // pull_request_sync for the same head (another delivery): already reviewed.
  const sync = await deliver(w, "pull_request_sync", synchronized(w.headSha), "delivery-2");
  assertIgnored(sync, /already reviewed/);

  // /loom review reviews it again from scratch: nothing is posted twice.
  const command = await deliver(w, "pull_request_comment", comment("/loom review"), "delivery-3");
  await w.assertReviewedAgain(command, () => ({
    summaries: w.gitea.comments(REPO, 1).length,
    inline: w.gitea.reviewComments(REPO, 1).length,
  }), 2);
  assert.ok(w.gitea.reviews(REPO, 1).every((r) => r.state !== "PENDING"));

  // /loom help answers; Loom's own answer, delivered back, is not a command.
  assert.equal(
    (await deliver(w, "pull_request_comment", comment("/loom help"), "delivery-4")).status,
    202,
  );
  await waitFor(() => w.gitea.comments(REPO, 1).length === 2, 10_000, "help reply");
  const reply = w.gitea.comments(REPO, 1)[1];
  assert.match(reply.body, /\/loom review/);
  const echo = await deliver(w, "pull_request_comment", comment(reply.body, "loom-bot"), "d-5");
  assert.deepEqual(echo, { status: 200, body: { ignored: "the comment is Loom's own" } });

  // A wrong secret, an unsigned delivery and a malformed body queue nothing.
  const jobsBefore = (await w.api("/jobs?limit=100")).jobs.length;
  assert.equal((await deliver(w, "pull_request", opened(w), "d-6", "wrong-secret")).status, 401);
  assert.equal((await deliver(w, "pull_request", opened(w), "d-7", "")).status, 401);
  const malformed = await deliver(w, "pull_request", { action: "opened", number: 1 }, "d-8");
  assert.equal(malformed.status, 400);
  assert.match(malformed.body.error, /pull_request payload: repository is missing/);
  const signedNotJson = await giteaWebhook({
    secret: SECRET,
    eventType: "pull_request",
    payload: 0,
  });
  const notJson = await fetch(`${w.url}/webhooks/gitea`, {
    method: "POST",
    headers: signedNotJson.headers,
    body: "{not json",
  });
  assert.equal(notJson.status, 401, "the signature covers the exact bytes");
  await notJson.body?.cancel();
  assert.equal((await w.api("/jobs?limit=100")).jobs.length, jobsBefore);

  w.assertNoSecretLogged(TOKEN, SECRET);
});

Deno.test("forgejo: ranges use extra_lines_count, a push is reviewed without reposting, close cancels", async () => {
  await using w = await world("forgejo");
  assert.equal((await deliver(w, "pull_request", opened(w), "f-1")).status, 202);
  await w.reviewsDone(1);
  const inline = w.gitea.reviewComments(REPO, 1);
  assert.deepEqual(inline.map((c) => [c.path, c.newLine, c.extraLines]).sort(), [
    ["README.md", 3, 0],
    ["src/users.js", 6, 1],
  ]);
  assert.equal(
    w.gitea.requests.filter((r) => r.path === "/api/forgejo/v1/version").length,
    1,
    "asked once",
  );

  // New commits come as pull_request_sync: the hook must tick "Pull Request Synchronized".
  const next = "b".repeat(40);
  w.gitea.updatePullRequest(REPO, 1, { headSha: next });
  const sync = await deliver(w, "pull_request_sync", synchronized(next), "f-2");
  assert.equal(sync.status, 202);
  await w.reviewsDone(2);
  assert.equal(w.gitea.reviewComments(REPO, 1).length, 2, "the same findings are not reposted");
  assert.equal(w.gitea.comments(REPO, 1).length, 1);
  assert.deepEqual(w.gitea.statuses(REPO, next).map((s) => s.state), ["pending", "failure"]);

  const closed = giteaPullRequestPayload({
    action: "closed",
    repo: REPO,
    pr: 1,
    headSha: next,
    merged: true,
  });
  const close = await deliver(w, "pull_request", closed, "f-3");
  assert.equal(close.status, 200);
  assert.match(close.body.ok, /^closed/);
});

Deno.test("gitea: disabled without a secret (404 saying why); half configured, loom refuses to start", async () => {
  await assertPlatformDisabled("gitea", "LOOM_GITEA_WEBHOOK_SECRET");
  await withServe({ LOOM_GITEA_WEBHOOK_SECRET: SECRET, LOOM_GITEA_TOKEN: TOKEN }, async (half) => {
    const code = await half.exited;
    assert.notEqual(code, 0);
    assert.match(half.log(), /LOOM_GITEA_URL/);
    assert.ok(!half.log().includes(TOKEN) && !half.log().includes(SECRET));
  });
});
