import assert from "node:assert/strict";
import { type StoreFactory, testStores, withStores } from "../../tests/stores.ts";
import { LlmError } from "../llm/mod.ts";
import { PlatformError } from "../platform/mod.ts";
import { DedupeKeyHeldError, PermanentError, type Queue, RetryableError } from "./mod.ts";

const KINDS = { kinds: ["noop", "other"], leaseMs: 10_000 };
const W = "worker-a";

/** A queue on a fresh store with a clock the test moves by hand. */
function withQueue(
  factory: StoreFactory,
  body: (queue: Queue, clock: { now: number }) => Promise<void>,
  agingMs = 30_000,
) {
  const clock = { now: 1_700_000_000_000 };
  return withStores(factory, ({ queue }) => body(queue, clock), {
    now: () => clock.now,
    agingMs,
    backoff: { baseMs: 1_000, capMs: 60_000, random: () => 0.5 },
  });
}

for (const factory of testStores()) {
  const t = (name: string, body: (queue: Queue, clock: { now: number }) => Promise<void>) =>
    Deno.test(`queue [${factory.name}]: ${name}`, () => withQueue(factory, body));

  t("claims high before normal before low, FIFO within a lane", async (queue, clock) => {
    const low = await queue.enqueue("noop", "low", { n: "low" });
    const normal1 = await queue.enqueue("noop", "normal", { n: "normal1" });
    clock.now += 1;
    const normal2 = await queue.enqueue("noop", "normal", { n: "normal2" });
    const high = await queue.enqueue("noop", "high", { n: "high" });
    const order: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [job] = await queue.claim(W, 1, KINDS);
      order.push(job.id);
    }
    assert.deepEqual(order, [high.id, normal1.id, normal2.id, low.id]);
    assert.deepEqual(await queue.claim(W, 1, KINDS), []);
  });

  t(
    "a low job that has waited long enough beats a steady stream of high jobs",
    async (queue, clock) => {
      const low = await queue.enqueue("noop", "low", null);
      const claimedAt: Record<string, number> = {};
      // A new high job every second, each claimed at once: the low one must still get its turn.
      for (let second = 0; second < 120; second++) {
        clock.now += 1_000;
        await queue.enqueue("noop", "high", null);
        const [job] = await queue.claim(W, 1, KINDS);
        if (job.id === low.id) {
          claimedAt.low = second;
          break;
        }
      }
      assert.ok(claimedAt.low !== undefined, "the low job starved");
      // Two aging steps of 30 s: taken once it has waited about a minute, not before.
      assert.ok(claimedAt.low >= 55 && claimedAt.low <= 62, `claimed at ${claimedAt.low}s`);
    },
  );

  t("a dedupe key admits one active job, and is free again once it finished", async (queue) => {
    const a = await queue.enqueue("noop", "normal", 1, { dedupeKey: "pr-1" });
    const b = await queue.enqueue("noop", "normal", 2, { dedupeKey: "pr-1" });
    assert.equal(a.created, true);
    assert.deepEqual(b, { id: a.id, created: false });
    const [job] = await queue.claim(W, 5, KINDS);
    assert.deepEqual(await queue.enqueue("noop", "normal", 3, { dedupeKey: "pr-1" }), {
      id: a.id,
      created: false,
    });
    await queue.complete(W, [job]);
    const c = await queue.enqueue("noop", "normal", 4, { dedupeKey: "pr-1" });
    assert.equal(c.created, true);
    assert.notEqual(c.id, a.id);
  });

  t("concurrent enqueues share a statement yet each gets its own job", async (queue) => {
    const results = await Promise.all(
      Array.from(
        { length: 50 },
        (_, i) => queue.enqueue("noop", "normal", { i }, i % 10 === 0 ? { dedupeKey: "same" } : {}),
      ),
    );
    const keyed = results.filter((_, i) => i % 10 === 0);
    assert.equal(keyed.filter((r) => r.created).length, 1, "one job per dedupe key");
    assert.ok(keyed.every((r) => r.id === keyed[0].id));
    const payloads = await Promise.all(results.map(async (r) => (await queue.get(r.id))?.payload));
    results.forEach((_, i) => {
      if (i % 10 !== 0) assert.deepEqual(payloads[i], { i }, "each caller got its own job's id");
    });
    assert.equal(new Set(results.map((r) => r.id)).size, 46);
  });

  t(
    "enqueueing thousands of jobs at once works past the store's parameter limit",
    async (queue) => {
      const results = await queue.enqueueMany(
        Array.from(
          { length: 3_001 },
          (_, i) => ({ kind: "noop", lane: "low" as const, payload: i }),
        ),
      );
      assert.equal(results.length, 3_001);
      assert.equal(new Set(results.map((r) => r.id)).size, 3_001);
      assert.deepEqual((await queue.get(results[3_000].id))?.payload, 3_000);
    },
  );

  t("run_at in the future is not claimed before its time; kinds filter", async (queue, clock) => {
    const later = await queue.enqueue("noop", "high", null, { runAt: clock.now + 5_000 });
    await queue.enqueue("unhandled", "high", null);
    assert.deepEqual(await queue.claim(W, 10, KINDS), []);
    clock.now += 5_000;
    const jobs = await queue.claim(W, 10, KINDS);
    assert.deepEqual(jobs.map((j) => j.id), [later.id]);
  });

  t("complete marks succeeded; payload round-trips; attempts counted", async (queue) => {
    await queue.enqueue("noop", "normal", { deep: { list: [1, "two", null] } });
    const [job] = await queue.claim(W, 1, KINDS);
    assert.deepEqual(job.payload, { deep: { list: [1, "two", null] } });
    assert.equal(job.attempts, 1);
    assert.equal(job.status, "running");
    assert.deepEqual(await queue.complete("someone-else", [job]), []);
    assert.deepEqual(await queue.complete(W, [job]), [job.id]);
    const done = await queue.get(job.id);
    assert.equal(done?.status, "succeeded");
    assert.equal(done?.lockedBy, null);
    assert.ok(done?.finishedAt);
  });

  t(
    "retryable failure backs off exponentially, then dead after max_attempts",
    async (queue, clock) => {
      const { id } = await queue.enqueue("noop", "normal", null, { maxAttempts: 3 });
      const delays: number[] = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        const [job] = await queue.claim(W, 1, KINDS);
        assert.equal(job.id, id);
        const outcome = await queue.fail(W, job, new Error(`boom ${attempt}`));
        if (attempt < 3) {
          assert.equal(outcome.status, "queued");
          if (outcome.status === "queued") delays.push(outcome.runAt - clock.now);
          assert.deepEqual(await queue.claim(W, 1, KINDS), [], "not before its backoff");
          clock.now += 60_000;
        } else {
          assert.deepEqual(outcome, { status: "dead" });
        }
      }
      // random() = 0.5 → three quarters of 1 s, then of 2 s.
      assert.deepEqual(delays, [750, 1_500]);
      const dead = await queue.get(id);
      assert.equal(dead?.status, "dead");
      assert.equal(dead?.lastError, "Error: boom 3");
      assert.deepEqual(dead?.errors.map((e) => [e.attempt, e.message]), [
        [1, "Error: boom 1"],
        [2, "Error: boom 2"],
        [3, "Error: boom 3"],
      ]);
    },
  );

  t("a delay carried by the error (Retry-After) is honoured", async (queue, clock) => {
    await queue.enqueue("noop", "normal", null);
    const [job] = await queue.claim(W, 1, KINDS);
    const outcome = await queue.fail(W, job, new RetryableError("429", { retryAfterMs: 42_000 }));
    assert.deepEqual(outcome, { status: "queued", runAt: clock.now + 42_000 });
    clock.now += 41_999;
    assert.deepEqual(await queue.claim(W, 1, KINDS), []);
    clock.now += 1;
    assert.equal((await queue.claim(W, 1, KINDS)).length, 1);
  });

  t(
    "rate limit is a wait: three 429s without Retry-After do not kill a job",
    async (queue, clock) => {
      // Bitbucket answers 429 with no Retry-After: the queue picks the wait, and spends no attempt.
      const limited = new PlatformError("GET /diff: 429", { status: 429, retryable: true });
      const { id } = await queue.enqueue("noop", "normal", null, { maxAttempts: 3 });
      const waits: number[] = [];
      for (let n = 1; n <= 3; n++) {
        const [job] = await queue.claim(W, 1, KINDS);
        assert.equal(job?.id, id, `claim ${n}`);
        const outcome = await queue.fail(W, job, limited);
        assert.equal(outcome.status, "queued", `429 number ${n} must not kill the job`);
        if (outcome.status === "queued") waits.push(outcome.runAt - clock.now);
        clock.now += 600_000;
      }
      // Each wait at least as long as the one before (backing off from the remote), none zero.
      assert.ok(waits.every((w, i) => w > 0 && (i === 0 || w >= waits[i - 1])), `${waits}`);
      const [job] = await queue.claim(W, 1, KINDS);
      assert.equal(job.attempts, 1, "the 429s gave their attempts back");
      await queue.complete(W, [job]);
      const done = await queue.get(id);
      assert.equal(done?.status, "succeeded");
      assert.equal(done?.errors.length, 3, "each wait is in the history");
      assert.equal(done?.rateLimitWaitedMs, waits.reduce((a, b) => a + b, 0));
    },
  );

  t(
    "rate limit is a wait: the total wait is bounded and then the job fails with that reason",
    async (queue, clock) => {
      // A model that keeps answering 429 with Retry-After 20 min: the default budget is 1 h.
      const { id } = await queue.enqueue("noop", "normal", null, { maxAttempts: 10 });
      const outcomes = [];
      for (let n = 1; n <= 4; n++) {
        const [job] = await queue.claim(W, 1, KINDS);
        assert.equal(job?.id, id, `claim ${n}`);
        const limited = new LlmError("rate_limited", "the model is rate limited (429)", {
          status: 429,
          retryAfterMs: 20 * 60_000,
        });
        outcomes.push(await queue.fail(W, job, limited));
        clock.now += 20 * 60_000;
      }
      assert.deepEqual(outcomes.map((o) => o.status), ["queued", "queued", "queued", "dead"]);
      const dead = await queue.get(id);
      assert.equal(dead?.status, "dead");
      assert.equal(dead?.rateLimitWaitedMs, 3_600_000);
      assert.match(dead?.lastError ?? "", /rate limited for 3600 s.*LOOM_MAX_RATE_LIMIT_WAIT_S/);
      assert.match(dead?.lastError ?? "", /the model is rate limited \(429\)/);
      // A manual retry starts a fresh wait budget.
      const retried = await queue.retry(id);
      assert.equal(retried?.rateLimitWaitedMs, 0);
    },
  );

  t("rate limit is a wait: GitHub's rate-limit 403 spends no attempt either", async (queue) => {
    await queue.enqueue("noop", "normal", null, { maxAttempts: 1 });
    const [job] = await queue.claim(W, 1, KINDS);
    const limited = new PlatformError("GitHub rate limit on GET /pulls/1 (403)", {
      status: 403,
      retryable: true,
      retryAfterMs: 5_000,
      rateLimited: true,
    });
    assert.equal((await queue.fail(W, job, limited)).status, "queued");
  });

  Deno.test(
    `queue [${factory.name}]: rate limit is a wait: a Retry-After of 0 still spends the wait budget`,
    () => {
      // A 10 s budget: at least the 1 s base backoff per wait, so about ten waits, then dead.
      const clock = { now: 1_700_000_000_000 };
      return withStores(factory, async ({ queue }) => {
        const { id } = await queue.enqueue("noop", "normal", null);
        for (let n = 0; n < 100; n++) {
          const [job] = await queue.claim(W, 1, KINDS);
          if (!job) break;
          const limited = new PlatformError("429", {
            status: 429,
            retryable: true,
            retryAfterMs: 0,
          });
          const outcome = await queue.fail(W, job, limited);
          if (outcome.status === "queued") clock.now = outcome.runAt;
        }
        const job = await queue.get(id);
        assert.equal(job?.status, "dead", "429 with Retry-After: 0 must not spin");
        assert.equal(job?.rateLimitWaitedMs, 10_000);
      }, { now: () => clock.now, maxRateLimitWaitMs: 10_000 });
    },
  );

  t("a Retry-After of 1e23 ms is capped at the remaining wait budget", async (queue, clock) => {
    await queue.enqueue("noop", "normal", null);
    for (
      const error of [
        new PlatformError("429", { status: 429, retryable: true, retryAfterMs: 1e23 }),
        new RetryableError("503", { retryAfterMs: 1e23 }),
      ]
    ) {
      const [job] = await queue.claim(W, 1, KINDS);
      const outcome = await queue.fail(W, job, error);
      assert.equal(outcome.status, "queued");
      if (outcome.status === "queued") assert.ok(outcome.runAt <= clock.now + 3_600_000);
      clock.now += 3_600_000;
    }
  });

  t("a permanent error goes straight to dead; retry revives it", async (queue) => {
    const { id } = await queue.enqueue("noop", "high", null, { maxAttempts: 5 });
    const [job] = await queue.claim(W, 1, KINDS);
    assert.deepEqual(await queue.fail(W, job, new PermanentError("bad config")), {
      status: "dead",
    });
    assert.equal((await queue.get(id))?.lastError, "PermanentError: bad config");
    // Errors from other modules are read by shape: retryable false is permanent too.
    const retried = await queue.retry(id);
    assert.equal(retried?.status, "queued");
    assert.equal(retried?.attempts, 0);
    assert.equal(retried?.errors.length, 1, "history kept");
    const [again] = await queue.claim(W, 1, KINDS);
    const foreign = Object.assign(new Error("401"), { retryable: false });
    assert.deepEqual(await queue.fail(W, again, foreign), { status: "dead" });
  });

  t(
    "retry of a dead job whose dedupe key a newer job holds: refused naming the holder",
    async (queue) => {
      const old = await queue.enqueue("noop", "high", { n: 1 }, { dedupeKey: "pr-7" });
      const [job] = await queue.claim(W, 1, KINDS);
      await queue.fail(W, job, new PermanentError("bad config"));
      const newer = await queue.enqueue("noop", "high", { n: 2 }, { dedupeKey: "pr-7" });
      assert.equal(newer.created, true);
      const refused = await queue.retry(old.id).then(() => null, (error) => error);
      assert.ok(refused instanceof DedupeKeyHeldError, String(refused));
      assert.equal(refused.jobId, old.id);
      assert.equal(refused.heldBy, newer.id);
      assert.match(refused.message, new RegExp(`held by job ${newer.id}`));
      // Nothing changed: the old job is still dead, the newer one still queued.
      assert.equal((await queue.get(old.id))?.status, "dead");
      assert.equal((await queue.get(newer.id))?.status, "queued");
      // Once the newer job has ended, the key is free and the retry goes through.
      const [running] = await queue.claim(W, 1, KINDS);
      await queue.fail(W, running, new PermanentError("also bad"));
      assert.equal((await queue.retry(old.id))?.status, "queued");
    },
  );

  t("an expired lease returns the job to the queue; heartbeats keep it", async (queue, clock) => {
    const kept = await queue.enqueue("noop", "normal", "kept");
    const lost = await queue.enqueue("noop", "normal", "lost");
    const jobs = await queue.claim(W, 2, { ...KINDS, leaseMs: 1_000 });
    assert.equal(jobs.length, 2);
    const [keptClaim, lostClaim] = jobs;
    assert.deepEqual([keptClaim.id, lostClaim.id], [kept.id, lost.id]);
    clock.now += 900;
    assert.deepEqual([...await queue.extendLeases(W, [keptClaim], 1_000)], [kept.id]);
    clock.now += 200;
    assert.equal(await queue.reapExpired(), 1);
    const [reclaimed] = await queue.claim("worker-b", 5, KINDS);
    assert.equal(reclaimed.id, lost.id);
    assert.equal(reclaimed.attempts, 2);
    assert.match(reclaimed.lastError ?? "", /lease expired/);
    // The first worker's late completion is refused: worker-b owns it now.
    assert.deepEqual(await queue.complete(W, [lostClaim]), []);
    assert.deepEqual(
      await queue.extendLeases(W, [keptClaim, lostClaim], 1_000),
      new Set([kept.id]),
    );
  });

  t("a job whose lease expires on its last attempt is dead, not looping", async (queue, clock) => {
    const { id } = await queue.enqueue("noop", "normal", null, { maxAttempts: 1 });
    await queue.claim(W, 1, { ...KINDS, leaseMs: 1_000 });
    clock.now += 2_000;
    assert.equal(await queue.reapExpired(), 1);
    const job = await queue.get(id);
    assert.equal(job?.status, "dead");
    assert.deepEqual(job?.errors.map((e) => e.attempt), [1]);
  });

  t("cancel stops queued and running jobs and tells the running handler", async (queue) => {
    const queued = await queue.enqueue("noop", "low", null);
    const running = await queue.enqueue("noop", "high", null);
    const [job] = await queue.claim(W, 1, KINDS);
    assert.equal(job.id, running.id);
    const heard: number[] = [];
    queue.context.cancellations.add((id) => heard.push(id));
    assert.equal((await queue.cancel(queued.id))?.status, "cancelled");
    assert.equal((await queue.cancel(running.id, "superseded"))?.status, "cancelled");
    assert.deepEqual(heard, [queued.id, running.id]);
    assert.equal((await queue.get(running.id))?.lastError, "superseded");
    assert.deepEqual(await queue.claim(W, 5, KINDS), []);
    // A cancelled job's late completion or failure changes nothing.
    assert.deepEqual(await queue.complete(W, [job]), []);
    assert.deepEqual(await queue.fail(W, job, new Error("x")), { status: "lost" });
    assert.equal((await queue.get(running.id))?.status, "cancelled");
    // A finished job cannot be cancelled.
    await queue.enqueue("noop", "low", null);
    const [other] = await queue.claim(W, 1, KINDS);
    await queue.complete(W, [other]);
    assert.equal((await queue.cancel(other.id))?.status, "succeeded");
    assert.equal(await queue.cancel(999_999), null);
  });

  t(
    "cancel then retry of a running job ends once, and the old run's attempt is not counted",
    async (queue) => {
      const { id } = await queue.enqueue("noop", "normal", null);
      const [old] = await queue.claim(W, 1, KINDS);
      assert.equal((await queue.cancel(id))?.status, "cancelled");
      const retried = await queue.retry(id);
      assert.equal(retried?.status, "queued");
      assert.equal(retried?.lockedBy, null, "a retried job is held by nobody");
      // The same worker is handed the retried job: same id, same worker, same attempt number.
      const [current] = await queue.claim(W, 1, KINDS);
      assert.equal(current.id, id);
      assert.equal(current.attempts, old.attempts);
      assert.notEqual(current.claimToken, old.claimToken);
      // The old run ends late, whichever way: refused, the retried run is untouched.
      assert.deepEqual(await queue.fail(W, old, new Error("the old run failed late")), {
        status: "lost",
      });
      assert.deepEqual(await queue.complete(W, [old]), []);
      const meanwhile = await queue.get(id);
      assert.equal(meanwhile?.status, "running");
      assert.equal(meanwhile?.attempts, 1);
      assert.deepEqual(meanwhile?.errors, [], "no attempt counted for the old run");
      // The retried run ends once.
      assert.deepEqual(await queue.complete(W, [current]), [id]);
      assert.deepEqual(await queue.complete(W, [current]), [], "an ending is not repeated");
      const done = await queue.get(id);
      assert.equal(done?.status, "succeeded");
      assert.equal(done?.attempts, 1);
    },
  );

  t(
    "a claim reaped and handed to the same worker again: the old claim can do nothing",
    async (queue, clock) => {
      const { id } = await queue.enqueue("noop", "normal", null);
      const [old] = await queue.claim(W, 1, { ...KINDS, leaseMs: 1_000 });
      clock.now += 2_000;
      assert.equal(await queue.reapExpired(), 1);
      const [current] = await queue.claim(W, 1, { ...KINDS, leaseMs: 1_000 });
      assert.equal(current.id, id);
      const lease = (await queue.get(id))?.lockedUntil;
      // Every operation made for the old claim is refused and changes nothing…
      assert.deepEqual(await queue.extendLeases(W, [old], 60_000), new Set());
      assert.equal(await queue.release(W, [old]), 0);
      assert.equal(await queue.postpone(W, old, { until: clock.now + 60_000 }), false);
      assert.deepEqual(await queue.fail(W, old, new PermanentError("stale")), { status: "lost" });
      assert.deepEqual(await queue.complete(W, [old]), []);
      const still = await queue.get(id);
      assert.equal(still?.status, "running");
      assert.equal(still?.lockedUntil, lease);
      assert.equal(still?.attempts, 2);
      // …while the current claim works, alone or in a batch with stale ones.
      assert.deepEqual(await queue.extendLeases(W, [old, current], 5_000), new Set([id]));
      const other = await queue.enqueue("noop", "normal", null);
      const [second] = await queue.claim(W, 1, KINDS);
      assert.equal(second.id, other.id);
      assert.deepEqual(
        (await queue.complete(W, [old, current, second])).sort((a, b) => a - b),
        [id, other.id],
      );
      assert.equal((await queue.get(id))?.status, "succeeded");
    },
  );

  t("release hands jobs back without counting the attempt", async (queue) => {
    await queue.enqueue("noop", "normal", null);
    const [job] = await queue.claim(W, 1, KINDS);
    assert.equal(await queue.release(W, [job]), 1);
    const [again] = await queue.claim("worker-b", 1, KINDS);
    assert.equal(again.id, job.id);
    assert.equal(again.attempts, 1);
  });

  t("list filters and pages with a cursor; count by status", async (queue) => {
    for (let i = 0; i < 7; i++) await queue.enqueue(i % 2 ? "noop" : "other", "normal", i);
    await queue.enqueue("noop", "high", "h");
    const first = await queue.list({ kind: "noop", limit: 2 });
    assert.equal(first.jobs.length, 2);
    const second = await queue.list({ kind: "noop", limit: 2, cursor: first.nextCursor! });
    const rest = await queue.list({ kind: "noop", limit: 2, cursor: second.nextCursor! });
    assert.equal(rest.nextCursor, null);
    const all = [...first.jobs, ...second.jobs, ...rest.jobs];
    assert.equal(all.length, 4);
    assert.ok(all.every((j) => j.kind === "noop"));
    assert.deepEqual(all.map((j) => j.id), [...all.map((j) => j.id)].sort((a, b) => b - a));
    assert.equal((await queue.list({ lane: "high" })).jobs.length, 1);
    await queue.claim(W, 1, KINDS);
    const counts = await queue.count();
    const total = (status: string) =>
      counts.filter((c) => c.status === status).reduce((n, c) => n + c.count, 0);
    assert.equal(total("queued"), 7);
    assert.equal(total("running"), 1);
  });

  t(
    "complete-and-claim: ends the current claims, skips stale and cancelled ones, refills in order",
    async (queue, clock) => {
      const { id: reaped } = await queue.enqueue("noop", "normal", null);
      const [old] = await queue.claim(W, 1, { ...KINDS, leaseMs: 1_000 });
      clock.now += 2_000;
      assert.equal(await queue.reapExpired(), 1);
      const [current, cancelled] = await Promise.all([
        queue.claim(W, 1, KINDS).then(([job]) => job),
        queue.enqueue("noop", "normal", null).then(() => queue.claim(W, 1, KINDS))
          .then(([job]) => job),
      ]);
      assert.equal(current.id, reaped);
      await queue.cancel(cancelled.id, "the pull request was closed");
      clock.now += 1;
      const later = [];
      for (let i = 0; i < 3; i++) later.push((await queue.enqueue("noop", "normal", { i })).id);
      const high = await queue.enqueue("noop", "high", null);
      const exchange = await queue.completeAndClaim(W, [old, current, cancelled], 2, KINDS);
      // Only the current claim ends the job; the stale one and the cancelled one change nothing.
      assert.deepEqual(exchange.done, [reaped]);
      assert.equal((await queue.get(reaped))?.status, "succeeded");
      assert.equal((await queue.get(cancelled.id))?.status, "cancelled");
      // The refill is a claim like any other: claim order, an attempt and a new token each.
      assert.deepEqual(exchange.jobs.map((j) => j.id).sort((a, b) => a - b), [later[0], high.id]);
      for (const job of exchange.jobs) {
        assert.equal(job.status, "running");
        assert.equal(job.attempts, 1);
        assert.equal(job.claimToken, 1);
        assert.equal(job.lockedBy, W);
      }
      assert.deepEqual(await queue.complete(W, exchange.jobs), exchange.jobs.map((j) => j.id));
      // No room: it only completes.
      const [next] = await queue.claim(W, 1, KINDS);
      assert.deepEqual(await queue.completeAndClaim(W, [next], 0, KINDS), {
        done: [next.id],
        jobs: [],
      });
      assert.equal((await queue.get(later[2]))?.status, "queued");
    },
  );

  t("workers exchanging at once never both get one job", async (queue) => {
    await queue.enqueueMany(
      Array.from({ length: 300 }, (_, i) => ({ kind: "noop", lane: "normal", payload: { i } })),
    );
    const runs = new Map<number, string[]>();
    const work = async (worker: string) => {
      let held = await queue.claim(worker, 4, KINDS);
      while (held.length > 0) {
        for (const job of held) runs.set(job.id, [...runs.get(job.id) ?? [], worker]);
        const exchange = await queue.completeAndClaim(worker, held, 4, KINDS);
        assert.equal(exchange.done.length, held.length, "each ends what it holds");
        held = exchange.jobs;
      }
    };
    await Promise.all(["w1", "w2", "w3"].map(work));
    assert.equal(runs.size, 300);
    assert.ok([...runs.values()].every((by) => by.length === 1), "one claim per job");
    assert.deepEqual(await queue.count(), [], "none left queued or running");
  });
}
