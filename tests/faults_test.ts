/**
 * The fault suite: a real `loom serve` against the fake GitHub and model while they fail the way
 * real ones do (`tests/fakes/faults.ts`): Loom killed in the middle of publishing, a model that
 * hangs past its timeout or rate-limits without saying for how long, a platform answering 5xx in
 * bursts, and a soak of signed deliveries with random faults. Each asserts what a user sees on
 * the fake: one summary, no inline comment twice, a final commit status, every review ended.
 */
import assert from "node:assert/strict";
import { fault } from "./fakes/faults.ts";
import {
  deliverPush,
  FAULT_REPO,
  type FaultWorld,
  finalStatus,
  postedOnce,
  startFaultWorld,
} from "./support/fault_world.ts";
import { runSoak } from "./support/soak.ts";
import { reviewCalls } from "./support/user_search_scenario.ts";

const REVIEWS = `/repos/${FAULT_REPO}/pulls/1/reviews`;
const SUMMARY = `/repos/${FAULT_REPO}/issues/1/comments`;

/**
 * The pull request's jobs, as the admin API lists them: those of its group (not the server's
 * own recurring maintenance, which is always queued for later).
 */
// deno-lint-ignore no-explicit-any
async function jobs(w: FaultWorld): Promise<any[]> {
  // deno-lint-ignore no-explicit-any
  return (await w.api("/jobs?limit=500")).jobs.filter((j: any) => j.group_key !== null);
}

/** Asserts the one review ended `succeeded` with its summary, two inline comments, a final status. */
async function assertReviewedOnce(w: FaultWorld) {
  const { reviews } = await w.api("/reviews");
  assert.deepEqual(reviews.map((r: { status: string }) => r.status), ["succeeded"], w.loom.log());
  assert.deepEqual(postedOnce(w, 1), { summaries: 1, inline: 2, duplicates: 0 });
  assert.equal(w.github.reviews(FAULT_REPO, 1).length, 1, "one GitHub review holds them");
  assert.equal(finalStatus(w, w.headSha), "failure", "the blocker's status, not pending");
  const ended = (await jobs(w)).filter((j) => j.status !== "succeeded");
  assert.deepEqual(ended, [], "every job succeeded");
}

Deno.test("faults: Loom killed (SIGKILL) while GitHub answers the publish's POSTs: restarted on the same store, it finishes with no duplicate comment", async () => {
  await using w = await startFaultWorld();
  const kills: string[] = [];
  const killHere = fault.hold(async (req) => {
    kills.push(req.path);
    await w.kill();
  });
  // The final stage's first POST (the inline comments, as one review) lands on GitHub, and Loom
  // dies before it reads the answer; then again on the summary's POST, after the restart.
  w.github.faults.add(killHere, { method: "POST", path: REVIEWS });
  w.github.faults.add(killHere, { method: "POST", path: SUMMARY });

  assert.equal((await deliverPush(w, 1, w.headSha, "opened")).status, 202);
  await waitUntil(() => kills.length === 1, "the kill during the review's POST");
  await w.restart();
  await waitUntil(() => kills.length === 2, "the kill during the summary's POST", w);
  await w.restart();
  await w.reviewsDone(1);

  assert.deepEqual(kills, [REVIEWS, SUMMARY]);
  await assertReviewedOnce(w);
  assert.equal(reviewCalls(w.llm.chats()).length, 2, "the pipelines were not run again");
  const states = w.github.statuses(FAULT_REPO, w.headSha).map((s) => s.state);
  assert.deepEqual(states, ["pending", "failure"]);
  const publish = (await jobs(w)).find((j) => j.kind === "publish");
  assert.equal(publish.errors.length, 2, "each kill cost the publish job one lease");
});

Deno.test("faults: a model that hangs past its timeout is retried, then the review succeeds", async () => {
  await using w = await startFaultWorld({ modelTimeoutS: 1 });
  // The first call hangs for 2.5 s, past the config's timeout_s of 1.
  w.llm.faults.add(fault.hang(2_500), { path: "/v1/chat/completions", times: 1 });
  assert.equal((await deliverPush(w, 1, w.headSha, "opened")).status, 202);
  await w.reviewsDone(1);

  await assertReviewedOnce(w);
  assert.equal(reviewCalls(w.llm.chats()).length, 3, "the hung call, then both pipelines' answers");
  const pipelines = (await jobs(w)).filter((j) => j.kind === "pipeline");
  const retried = pipelines.filter((j) => j.attempts === 2);
  assert.equal(retried.length, 1, "one pipeline job ran twice");
  assert.match(retried[0].errors[0].message, /did not answer within 1s/);
});

Deno.test("faults: GitHub answering 5xx in bursts: every job retries and the review completes", async () => {
  await using w = await startFaultWorld();
  // Two 503s on the first look at the pull request; a 502 on the inline review and a 500 on the
  // summary: no job gets past its third attempt.
  w.github.faults.add(fault.status(503), { method: "GET", path: /\/pulls\/1$/, times: 2 });
  w.github.faults.add(fault.status(502), { method: "POST", path: REVIEWS, times: 1 });
  w.github.faults.add(fault.status(500), { method: "POST", path: SUMMARY, times: 1 });
  assert.equal((await deliverPush(w, 1, w.headSha, "opened")).status, 202);
  await w.reviewsDone(1);

  await assertReviewedOnce(w);
  assert.deepEqual(w.github.faults.counts(), { status: 4 });
  const byKind = Object.fromEntries((await jobs(w)).map((j) => [j.kind, j]));
  assert.equal(byKind.review.attempts, 3);
  assert.match(byKind.review.errors[1].message, /503/);
  assert.deepEqual(
    byKind.publish.errors.map((e: { message: string }) => /50\d/.exec(e.message)?.[0]),
    [
      "502",
      "500",
    ],
  );
});

Deno.test("faults: three 429s in a row without Retry-After from the model: waited out, no attempt spent, the review completes", async () => {
  await using w = await startFaultWorld();
  w.llm.faults.add(fault.rateLimited(), { path: "/v1/chat/completions", times: 3 });
  assert.equal((await deliverPush(w, 1, w.headSha, "opened")).status, 202);
  await w.reviewsDone(1);

  await assertReviewedOnce(w);
  assert.equal(reviewCalls(w.llm.chats()).length, 5, "three 429s, then both pipelines' answers");
  const pipelines = (await jobs(w)).filter((j) => j.kind === "pipeline");
  assert.ok(pipelines.every((j) => j.attempts === 1), "waiting spent no attempt");
  const waits = pipelines.flatMap((j) => j.errors.map((e: { message: string }) => e.message));
  assert.equal(waits.length, 3);
  assert.ok(waits.every((m) => /429|rate/i.test(m)), waits.join("\n"));
  assert.ok(pipelines.some((j) => j.rate_limit_waited_ms > 0));
});

Deno.test("faults: a short soak: 300 signed deliveries over ~10 s to 20 pull requests with random faults; every review ends, nothing posted twice", async () => {
  const figures = await runSoak({ deliveries: 300, seconds: 10, pullRequests: 20 });
  const seen = JSON.stringify(figures);
  assert.ok(figures.accepted > 100, seen);
  assert.ok(figures.faults_injected > 0, seen);
  assert.equal(figures.not_final, 0, seen);
  assert.equal(figures.lost, 0, seen);
  assert.equal(figures.duplicates, 0, seen);
  assert.equal(figures.final, figures.accepted, seen);
  // A head whose review ran out of attempts under the faults ends failed, never silently.
  assert.equal(figures.last_heads_reviewed + figures.last_heads_failed, 20, seen);
});

async function waitUntil(check: () => boolean, what: string, w?: FaultWorld) {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${w?.loom.log()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
