import assert from "node:assert/strict";
import { type StoreFactory, testStores, withStores } from "../../tests/stores.ts";
import { silentLogger } from "../log.ts";
import { PermanentError, type Queue, RetryableError } from "../queue/mod.ts";
import { sql } from "kysely";
import { createApp } from "./app.ts";
import { createMetrics } from "./metrics.ts";

const TOKEN = "admin-token-0123456789";
const auth = { Authorization: `Bearer ${TOKEN}` };

type AppBody = (app: ReturnType<typeof createApp>, queue: Queue) => Promise<void>;

function withApp(factory: StoreFactory, body: AppBody, adminToken: string | null = TOKEN) {
  return withStores(factory, ({ queue, reviews }) =>
    body(
      createApp({
        store: reviews,
        queue,
        metrics: createMetrics(() => queue.count()),
        log: silentLogger,
        adminToken: adminToken ?? undefined,
      }),
      queue,
    ));
}

for (const factory of testStores()) {
  const t = (name: string, body: AppBody, token: string | null = TOKEN) =>
    Deno.test(`http [${factory.name}]: ${name}`, () => withApp(factory, body, token));

  t("/health answers GET, POST and HEAD with the queue's counts", async (app, queue) => {
    await queue.enqueue("noop", "normal", null);
    for (const method of ["GET", "POST"]) {
      const res = await app.request("/health", { method });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), {
        status: "ok",
        db: "ok",
        queue: { queued: 1, running: 0, dead: 0 },
      });
    }
    const head = await app.request("/health", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
  });

  t("/health answers 503 when the database is gone", async (app, queue) => {
    await queue.context.db.destroy();
    const res = await app.request("/health");
    assert.equal(res.status, 503);
    const body = await res.json();
    assert.equal(body.status, "error");
    assert.equal(body.db, "error");
  });

  t("a Retry-After of 1e23 ms is capped and /api/jobs still answers", async (app, queue) => {
    const { id } = await queue.enqueue("noop", "normal", null);
    const [job] = await queue.claim("w", 1, { kinds: ["noop"], leaseMs: 10_000 });
    await queue.fail("w", job, new RetryableError("429", { retryAfterMs: 1e23 }));
    const listed = await app.request("/api/jobs", { headers: auth });
    assert.equal(listed.status, 200);
    const [shown] = (await listed.json()).jobs;
    assert.equal(shown.id, id);
    assert.ok(Date.parse(shown.run_at) <= Date.now() + 3_600_000, shown.run_at);
    // A time no date can hold (a row written before the cap) is shown as null, not a 500.
    await sql`update jobs set run_at = ${8.7e15} where id = ${id}`.execute(queue.context.db);
    const again = await app.request(`/api/jobs/${id}`, { headers: auth });
    assert.equal(again.status, 200);
    assert.equal((await again.json()).run_at, null);
    assert.equal((await app.request("/api/jobs", { headers: auth })).status, 200);
  });

  t("every response carries a request id", async (app) => {
    const res = await app.request("/health");
    assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
    const given = await app.request("/health", { headers: { "X-Request-Id": "proxy-abc-123" } });
    assert.equal(given.headers.get("x-request-id"), "proxy-abc-123");
  });

  t("/metrics speaks Prometheus text with requests and jobs", async (app, queue) => {
    await queue.enqueue("review", "high", null);
    await app.request("/health");
    const res = await app.request("/metrics");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
    const text = await res.text();
    assert.match(text, /loom_http_requests_total\{method="GET",route="\/health",status="200"\} 1/);
    assert.match(
      text,
      /loom_http_request_duration_seconds_bucket\{le="0.001",method="GET",route="\/health"\}/,
    );
    assert.match(text, /loom_jobs\{kind="review",lane="high",status="queued"\} 1/);
  });

  t("the admin API wants the bearer token", async (app) => {
    assert.equal((await app.request("/api/jobs")).status, 401);
    const wrong = await app.request("/api/jobs", { headers: { Authorization: "Bearer nope" } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get("www-authenticate"), 'Bearer realm="loom"');
    assert.equal((await app.request("/api/jobs", { headers: auth })).status, 200);
  });

  t("without an admin token /api does not exist", async (app) => {
    const res = await app.request("/api/jobs", { headers: auth });
    assert.equal(res.status, 404);
    assert.match((await res.json()).error, /LOOM_ADMIN_TOKEN/);
  }, null);

  t("jobs: list with filters and cursor, show, retry, cancel", async (app, queue) => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await queue.enqueue("review", "normal", { i })).id);
    await queue.enqueue("publish", "high", null);
    const page1 = await (await app.request("/api/jobs?kind=review&limit=3", { headers: auth }))
      .json();
    assert.deepEqual(page1.jobs.map((j: { id: number }) => j.id), ids.slice(2).reverse());
    const page2 =
      await (await app.request(`/api/jobs?kind=review&limit=3&cursor=${page1.next_cursor}`, {
        headers: auth,
      })).json();
    assert.deepEqual(page2.jobs.map((j: { id: number }) => j.id), ids.slice(0, 2).reverse());
    assert.equal(page2.next_cursor, null);
    const high = await (await app.request("/api/jobs?lane=high", { headers: auth })).json();
    assert.equal(high.jobs.length, 1);
    assert.equal(high.jobs[0].kind, "publish");

    const bad = await app.request("/api/jobs?status=nope&limit=0&extra=1", { headers: auth });
    assert.equal(bad.status, 400);
    const issues = (await bad.json()).issues;
    assert.ok(issues.status && issues.limit, JSON.stringify(issues));

    const shown = await (await app.request(`/api/jobs/${ids[0]}`, { headers: auth })).json();
    assert.equal(shown.status, "queued");
    assert.deepEqual(shown.payload, { i: 0 });
    assert.equal((await app.request("/api/jobs/999999", { headers: auth })).status, 404);
    assert.equal((await app.request("/api/jobs/abc", { headers: auth })).status, 400);

    const retryQueued = await app.request(`/api/jobs/${ids[0]}/retry`, {
      method: "POST",
      headers: auth,
    });
    assert.equal(retryQueued.status, 409);
    const cancelled = await app.request(`/api/jobs/${ids[0]}/cancel`, {
      method: "POST",
      headers: auth,
    });
    assert.equal(cancelled.status, 200);
    assert.equal((await cancelled.json()).status, "cancelled");
    assert.equal(
      (await app.request(`/api/jobs/${ids[0]}/cancel`, { method: "POST", headers: auth })).status,
      409,
    );
    const retried = await app.request(`/api/jobs/${ids[0]}/retry`, {
      method: "POST",
      headers: auth,
    });
    assert.equal(retried.status, 200);
    assert.equal((await retried.json()).status, "queued");
  });

  t(
    "jobs: retry of a dead job whose dedupe key a newer job holds answers 409 naming it",
    async (app, queue) => {
      const old = await queue.enqueue("review", "normal", null, { dedupeKey: "pr-9" });
      const [job] = await queue.claim("w", 1, { kinds: ["review"], leaseMs: 10_000 });
      await queue.fail("w", job, new PermanentError("bad config"));
      const newer = await queue.enqueue("review", "normal", null, { dedupeKey: "pr-9" });
      const res = await app.request(`/api/jobs/${old.id}/retry`, { method: "POST", headers: auth });
      assert.equal(res.status, 409);
      const body = await res.json();
      assert.match(body.error, new RegExp(`job ${old.id}.*held by job ${newer.id}`));
      assert.equal(body.held_by, newer.id);
      assert.equal((await queue.get(old.id))?.status, "dead");
    },
  );
}
