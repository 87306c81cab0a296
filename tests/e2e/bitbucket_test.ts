/**
 * Bitbucket Cloud end to end: a real `loom serve` process, signed deliveries shaped like
 * Bitbucket's documented `pullrequest:*` payloads, the fake Bitbucket and the fake model, both
 * over real HTTP.
 */
import assert from "node:assert/strict";
import {
  bitbucketWebhook,
  type FakeBitbucket,
  startFakeBitbucket,
} from "../fakes/bitbucket/server.ts";
import { assertPlatformDisabled, waitFor } from "../support/child.ts";
import { assertIgnored, type LoomE2e, startLoomE2e } from "../support/e2e.ts";
import {
  reviewCalls,
  reviewer,
  seedUserSearch,
  userSearchRepo,
} from "../support/user_search_scenario.ts";

const SECRET = "bitbucket-webhook-secret-for-tests";
const TOKEN = "bb_access_token_never_logged";
const EMAIL = "loom-bot@example.com";
const API_TOKEN = "ATATT-user-api-token-never-logged";
const REPO = "ws/app";
/** The commenters: Emma, the payloads' default (Bitbucket's documented example), and Ana. */
const EMMA = {
  display_name: "Emma",
  nickname: "emmap1",
  account_id: "557058:c0b72ad0-1cb5-4018-9cdc-0cde8492c443",
  uuid: "{a54f16da-24e9-4d7f-a3a7-b1ba2cd98aa3}",
};
const ANA = { display_name: "Ana", nickname: "ana", account_id: "557058:ana" };

/** Real diffs, made by git: a feature branch adds a search with SQL built from input, then more. */
async function realDiffs(): Promise<{ first: string; second: string }> {
  const repo = await userSearchRepo();
  try {
    const first = await repo.git("diff", "main...feature");
    await repo.write("src/count.js", "export const count = (db) => db.query('select 1');\n");
    await repo.commit("Add count");
    return { first, second: await repo.git("diff", "main...feature") };
  } finally {
    await repo.cleanup();
  }
}

interface World extends LoomE2e {
  bitbucket: FakeBitbucket;
  /** The full hash of the pull request's head. */
  headSha: string;
  diffs: { first: string; second: string };
}

async function world(
  options: { basic?: boolean; model?: ReturnType<typeof reviewer> } = {},
): Promise<World> {
  const bitbucket = await startFakeBitbucket(
    options.basic ? { user: { email: EMAIL, apiToken: API_TOKEN } } : { token: TOKEN },
  );
  const diffs = await realDiffs();
  let headSha = "";
  const e2e = await startLoomE2e({
    platformId: "bitbucket",
    // The model: a blocker on the SQL line for security, a warning on the README for quality.
    model: options.model ?? reviewer(),
    platform(llm) {
      headSha = seedUserSearch(bitbucket, { repo: REPO, diff: diffs.first }, llm.url).headSha;
      // The commenters of these tests may command Loom (LOOM_COMMANDS_FROM=writers).
      for (const writer of [EMMA, ANA]) bitbucket.grant(REPO, writer, "write");
      return {
        LOOM_BITBUCKET_WEBHOOK_SECRET: SECRET,
        LOOM_BITBUCKET_API_URL: bitbucket.url,
        ...(options.basic
          ? { LOOM_BITBUCKET_EMAIL: EMAIL, LOOM_BITBUCKET_API_TOKEN: API_TOKEN }
          : { LOOM_BITBUCKET_TOKEN: TOKEN }),
      };
    },
    close: () => bitbucket.close(),
  });
  return { ...e2e, bitbucket, headSha, diffs };
}

async function deliver(
  w: World,
  event: string,
  payload: unknown,
  deliveryId?: string,
  /** null sends no signature, as Bitbucket does for a hook without a secret. */
  secret: string | null = SECRET,
) {
  const d = await bitbucketWebhook({ secret: secret ?? undefined, event, payload, deliveryId });
  return await w.postWebhook(d);
}

/** Opens pull request 1 and waits for its review. */
async function reviewedOnce(w: World) {
  const created = await deliver(w, "pullrequest:created", w.bitbucket.pullRequestPayload(REPO, 1));
  assert.equal(created.status, 202);
  await w.reviewsDone(1);
}

const summaries = (w: World) =>
  w.bitbucket.comments(REPO, 1).filter((c) => !c.deleted && c.raw.startsWith("[loom-summary]: #"));
const inline = (w: World) => w.bitbucket.comments(REPO, 1).filter((c) => c.inline !== null);

Deno.test("bitbucket: a pull request is reviewed end to end, and nothing is ever posted twice", async () => {
  await using w = await world();
  const created = w.bitbucket.pullRequestPayload(REPO, 1);
  assert.equal(created.pullrequest.source.commit.hash, w.headSha.slice(0, 12), "short, as sent");
  const first = await deliver(w, "pullrequest:created", created, "request-uuid-1");
  assert.equal(first.status, 202);
  assert.ok(Number.isInteger(first.body.job_id));
  await w.reviewsDone(1);

  // One summary comment, found by its invisible marker, with the outside-diff finding.
  const [summary, ...more] = summaries(w);
  assert.equal(more.length, 0);
  assert.match(summary.raw, /^\[loom-summary\]: #\n\n/);
  assert.doesNotMatch(summary.raw, /<!--/, "no HTML comment: Bitbucket would show it");
  assert.match(summary.raw, /Outside the diff/);
  assert.match(summary.raw, /Unchanged line/);
  assert.equal(summary.inline, null);
  // The inline comments, one request each, on the right new-side lines; the suggestion is a
  // diff block, and the fingerprint an unreferenced link definition.
  const comments = inline(w);
  assert.deepEqual(comments.map((c) => [c.inline?.path, c.inline?.to]).sort(), [
    ["README.md", 3],
    ["src/users.js", 6],
  ]);
  const sql = comments.find((c) => c.inline?.path === "src/users.js")!;
  assert.match(
    sql.raw,
    /```diff\n\+ {2}const sql = "select \* from users where name = \?";\n```/,
  );
  assert.doesNotMatch(sql.raw, /```suggestion/);
  assert.match(sql.raw, /\n\n\[loom-fp-[0-9a-f]{16}\]: #$/);
  // The build status on the full hash: in progress, then failed (a blocker).
  assert.deepEqual(
    w.bitbucket.statusHistory(REPO, w.headSha).map((s) => [s.key, s.state]),
    [["loom", "INPROGRESS"], ["loom", "FAILED"]],
  );
  assert.deepEqual(w.bitbucket.violations, [], "no anchor outside the diff, no short hash");
  assert.ok(w.bitbucket.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`));
  assert.equal(reviewCalls(w.llm.chats()).length, 2);

  const { reviews: stored } = await w.api("/reviews");
  assert.deepEqual(
    stored.map((r: { status: string; blockers: number }) => [r.status, r.blockers]),
    [["succeeded", 1]],
  );

  // The same delivery again: nothing queued.
  const again = await deliver(w, "pullrequest:created", created, "request-uuid-1");
  assertIgnored(again, /already received/);

  // /loom review reviews it again, from scratch: nothing is posted twice.
  const command = await deliver(
    w,
    "pullrequest:comment_created",
    w.bitbucket.commentPayload(REPO, 1, "/loom review", {
      user: ANA,
    }),
    "request-uuid-3",
  );
  await w.assertReviewedAgain(command, () => ({
    summaries: summaries(w).length,
    inline: inline(w).length,
  }), 2);

  // /loom help answers; the answer, delivered back, is Loom's own and ignored.
  const help = await deliver(
    w,
    "pullrequest:comment_created",
    w.bitbucket.commentPayload(REPO, 1, "/loom help"),
    "request-uuid-4",
  );
  assert.equal(help.status, 202);
  const replies = () =>
    w.bitbucket.comments(REPO, 1).filter((c) => c.raw.startsWith("[loom-reply]: #"));
  await waitFor(() => replies().length === 1, 10_000, "help reply");
  assert.match(replies()[0].raw, /\/loom review/);
  const echo = await deliver(
    w,
    "pullrequest:comment_created",
    w.bitbucket.commentPayload(REPO, 1, replies()[0].raw, { user: { display_name: "Loom" } }),
    "request-uuid-5",
  );
  assert.deepEqual([echo.status, echo.body], [200, { ignored: "the comment is Loom's own" }]);

  // A wrong or missing signature, and a malformed body, queue nothing.
  const jobsBefore = (await w.api("/jobs?limit=100")).jobs.length;
  const updated = w.bitbucket.pullRequestPayload(REPO, 1);
  assert.equal(
    (await deliver(w, "pullrequest:updated", updated, "r-6", "wrong-secret")).status,
    401,
  );
  assert.equal((await deliver(w, "pullrequest:updated", updated, "r-7", null)).status, 401);
  const malformed = await deliver(w, "pullrequest:created", { pullrequest: { id: 1 } }, "r-8");
  assert.equal(malformed.status, 400);
  assert.match(malformed.body.error, /^pullrequest:created payload: repository is missing/);
  const notJson = await bitbucketWebhook({
    secret: SECRET,
    event: "pullrequest:created",
    payload: "{not json",
  });
  const res = await fetch(`${w.url}/webhooks/bitbucket`, {
    method: "POST",
    headers: notJson.headers,
    body: notJson.body,
  });
  assert.equal(res.status, 400);
  assert.match((await res.json()).error, /not valid JSON/);
  assert.equal((await w.api("/jobs?limit=100")).jobs.length, jobsBefore);

  // Merged: closed, nothing left to cancel.
  w.bitbucket.updatePullRequest(REPO, 1, { state: "MERGED" });
  const merged = await deliver(
    w,
    "pullrequest:fulfilled",
    w.bitbucket.pullRequestPayload(REPO, 1),
    "r-9",
  );
  assert.equal(merged.status, 200);
  assert.match(merged.body.ok, /^closed/);

  w.assertNoSecretLogged(TOKEN, SECRET);
});

Deno.test("bitbucket: an updated delivery for a reviewed head queues and posts nothing; a push is reviewed", async () => {
  await using w = await world();
  await reviewedOnce(w);
  const jobs = (await w.api("/jobs?limit=100")).jobs.length;
  const calls = w.bitbucket.requests.length;
  const comments = w.bitbucket.comments(REPO, 1);

  // A title edit fires `pullrequest:updated` with the same head.
  w.bitbucket.updatePullRequest(REPO, 1, { title: "Add user search (v2)" });
  const edit = await deliver(w, "pullrequest:updated", w.bitbucket.pullRequestPayload(REPO, 1));
  assertIgnored(edit, new RegExp(`^${w.headSha.slice(0, 12)} was already reviewed`));
  // Give a wrongly queued job the time to run and post.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal((await w.api("/jobs?limit=100")).jobs.length, jobs, "no job queued");
  assert.equal(w.bitbucket.requests.length, calls, "no call to Bitbucket at all");
  assert.deepEqual(w.bitbucket.comments(REPO, 1), comments, "nothing posted or edited");
  assert.equal(reviewCalls(w.llm.chats()).length, 2);

  // A push: a new head, reviewed; the summary is edited, the build status set on the new hash.
  const pushed = w.bitbucket.updatePullRequest(REPO, 1, {
    headSha: "f00dfeed0123" + "4".repeat(28),
    diff: w.diffs.second,
  });
  const push = await deliver(w, "pullrequest:updated", w.bitbucket.pullRequestPayload(REPO, 1));
  assert.equal(push.status, 202);
  await w.reviewsDone(2);
  const { reviews } = await w.api("/reviews");
  assert.deepEqual(
    reviews.map((r: { head_sha: string }) => r.head_sha).sort(),
    [w.headSha.slice(0, 12), "f00dfeed0123"].sort(),
  );
  assert.deepEqual(
    w.bitbucket.statusHistory(REPO, pushed.headSha).map((s) => s.state),
    ["INPROGRESS", "FAILED"],
  );
  assert.equal(summaries(w).length, 1);
  assert.equal(inline(w).length, 2, "the same findings on the new head are not posted again");
  assert.deepEqual(w.bitbucket.violations, []);
});

Deno.test("bitbucket: a user API token is sent as Basic auth on every call", async () => {
  await using w = await world({ basic: true });
  const created = w.bitbucket.pullRequestPayload(REPO, 1);
  assert.equal((await deliver(w, "pullrequest:created", created)).status, 202);
  await w.reviewsDone(1);
  assert.equal(summaries(w).length, 1);
  const basic = `Basic ${btoa(`${EMAIL}:${API_TOKEN}`)}`;
  assert.ok(w.bitbucket.requests.length > 5);
  assert.ok(w.bitbucket.requests.every((r) => r.headers.authorization === basic));
  assert.doesNotMatch(w.loom.log(), new RegExp(`${API_TOKEN}|${btoa(`${EMAIL}:${API_TOKEN}`)}`));
});

Deno.test("bitbucket: disabled without a webhook secret: 404 saying why", async () => {
  await assertPlatformDisabled("bitbucket", "LOOM_BITBUCKET_WEBHOOK_SECRET", {
    LOOM_BITBUCKET_TOKEN: TOKEN,
  });
});

/** The reviewer, answering each model call after `delayMs`: a review still running. */
function slowReviewer(delayMs: number): ReturnType<typeof reviewer> {
  const review = reviewer();
  return (req) => ({ ...review(req), delayMs });
}

Deno.test("replays: a captured comment delivery re-sent as pullrequest:rejected does not cancel the review of an open pull request", async () => {
  await using w = await world({ model: slowReviewer(1_500) });
  // What an attacker captured: one validly signed comment delivery on the pull request.
  const captured = await bitbucketWebhook({
    secret: SECRET,
    event: "pullrequest:comment_created",
    payload: w.bitbucket.commentPayload(REPO, 1, "Nice work!"),
    deliveryId: "captured-uuid",
  });
  assert.equal((await w.postWebhook(captured)).status, 200);

  const created = await deliver(w, "pullrequest:created", w.bitbucket.pullRequestPayload(REPO, 1));
  assert.equal(created.status, 202);
  await waitFor(() => w.llm.chats().length > 0, 10_000, "the review's first model call");
  // X-Event-Key and X-Request-UUID are not signed: the same body and signature, re-labelled.
  const replay = {
    headers: {
      ...captured.headers,
      "x-event-key": "pullrequest:rejected",
      "x-request-uuid": crypto.randomUUID(),
    },
    body: captured.body,
  };
  const replayed = await w.postWebhook(replay);
  assert.equal(replayed.status, 200, JSON.stringify(replayed.body));
  await w.reviewsDone(1);

  // The pull request is still open on Bitbucket: the review ran to its end and was published.
  const { reviews } = await w.api("/reviews");
  assert.deepEqual(reviews.map((r: { status: string }) => r.status), ["succeeded"]);
  assert.equal(summaries(w).length, 1);
  assert.equal(inline(w).length, 2);
  assert.deepEqual(
    w.bitbucket.statusHistory(REPO, w.headSha).map((s) => s.state),
    ["INPROGRESS", "FAILED"],
  );
  const { jobs } = await w.api("/jobs?limit=100");
  assert.ok(jobs.every((j: { status: string }) => j.status !== "cancelled"), JSON.stringify(jobs));
});

Deno.test("replays: a real decline still cancels the review, once Bitbucket says the pull request is declined", async () => {
  await using w = await world({ model: slowReviewer(5_000) });
  assert.equal(
    (await deliver(w, "pullrequest:created", w.bitbucket.pullRequestPayload(REPO, 1))).status,
    202,
  );
  await waitFor(() => w.llm.chats().length > 0, 10_000, "the review's first model call");
  w.bitbucket.updatePullRequest(REPO, 1, { state: "DECLINED" });
  const declined = await deliver(
    w,
    "pullrequest:rejected",
    w.bitbucket.pullRequestPayload(REPO, 1),
  );
  assert.equal(declined.status, 200);
  assert.match(declined.body.ok, /^closed/);
  await waitFor(
    async () => (await w.api("/jobs?status=running")).jobs.length === 0,
    4_000,
    "the review cancelled before its model answers",
  );
  assert.equal(summaries(w).length, 0, "nothing posted once declined");
  assert.deepEqual(w.bitbucket.statusHistory(REPO, w.headSha).map((s) => s.state), ["INPROGRESS"]);
});

Deno.test("replays: a signed delivery re-sent without its X-Request-UUID is recognised by its body", async () => {
  await using w = await world();
  await reviewedOnce(w);
  const command = await bitbucketWebhook({
    secret: SECRET,
    event: "pullrequest:comment_created",
    payload: w.bitbucket.commentPayload(REPO, 1, "/loom review"),
  });
  delete command.headers["x-request-uuid"];
  const first = await w.postWebhook(command);
  assert.equal(first.status, 202, JSON.stringify(first.body));
  await w.reviewsDone(2);
  const chats = w.llm.chats().length;
  for (let i = 0; i < 3; i++) assertIgnored(await w.postWebhook(command), /already received/);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await w.api("/reviews")).reviews.length, 2, "no third review");
  assert.equal(w.llm.chats().length, chats);
});
