import assert from "node:assert/strict";
import { sql } from "kysely";
import { migrateToLatest, openDatabase } from "../db/mod.ts";
import { createIntake } from "../intake.ts";
import { createLogger } from "../log.ts";
import { createQueue } from "../queue/mod.ts";
import { createReviewStore } from "../store/mod.ts";
import { freshSqliteUrl } from "../../tests/stores.ts";
import { createMemoryGitAdapter, reviewEvent } from "../../tests/support/memory_git_adapter.ts";
import { createApp } from "./app.ts";
import { createMetrics } from "./metrics.ts";

const repo = { platform: "memory", fullName: "octo/app" };

function delivery(id: string, pr: number): RequestInit {
  return {
    method: "POST",
    headers: { "x-memory-token": "memory-token", "x-memory-delivery": id },
    body: JSON.stringify(reviewEvent(repo, pr, `${pr}`.padStart(40, "a"))),
  };
}

Deno.test("a full SQLite disk: webhooks get 503 and Retry-After, keep nothing, log once, recover", async () => {
  const file = await freshSqliteUrl();
  const store = await openDatabase(file.url);
  await migrateToLatest(store);
  const queue = await createQueue(store);
  const reviews = createReviewStore(store);
  const lines: string[] = [];
  const log = createLogger("info", (line) => lines.push(line));
  const app = createApp({
    store: reviews,
    queue,
    metrics: createMetrics(() => queue.count()),
    log,
    webhooks: {
      intake: createIntake({ store: reviews, queue, rateLimitPerRepo: 100_000 }),
      platforms: ["memory"],
      adapters: { memory: createMemoryGitAdapter() },
      disabled: {},
      maxBodyBytes: 100_000,
    },
  });
  const deliveries = async () =>
    (await sql<{ delivery_id: string; job_id: number | null }>`
      select delivery_id, job_id from webhook_deliveries`.execute(store.db)).rows;
  try {
    // The file may not grow past what it holds now: the next pages a delivery needs are refused,
    // as on a full disk.
    const pages =
      (await sql<{ page_count: number }>`pragma page_count`.execute(store.db)).rows[0].page_count;
    await sql.raw(`pragma max_page_count = ${pages}`).execute(store.db);

    const accepted: string[] = [];
    let refused: Response | undefined;
    let pr = 1;
    for (; pr <= 2_000 && !refused; pr++) {
      const res = await app.request("/webhooks/memory", delivery(`d-${pr}`, pr));
      if (res.status === 202) accepted.push(`d-${pr}`);
      else refused = res;
    }
    assert.ok(refused, "the store filled up");
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("retry-after"), "30");
    assert.match((await refused.json()).error, /cannot store this delivery now; redeliver/);
    const firstRefused = `d-${pr - 1}`;
    for (let i = 0; i < 5; i++) {
      const res = await app.request("/webhooks/memory", delivery(`late-${i}`, 5_000 + i));
      assert.equal(res.status, 503, "every delivery is refused while the disk is full");
      await res.body?.cancel();
    }

    // Nothing half-written: every job has its delivery record and every record its job.
    const recorded = await deliveries();
    const jobs = (await queue.list({ limit: 5_000 })).jobs;
    assert.deepEqual(recorded.map((d) => d.delivery_id).sort(), [...accepted].sort());
    assert.deepEqual(
      jobs.map((j) => j.id).sort((a, b) => a - b),
      recorded.map((d) => Number(d.job_id)).sort((a, b) => a - b),
    );
    const unavailable = lines.filter((l) => l.includes('"msg":"store unavailable'));
    assert.equal(unavailable.length, 1, "the reason is logged once for six refusals");
    assert.match(unavailable[0], /database or disk is full/);

    const health = await app.request("/health");
    assert.equal(health.status, 200, "reads still work");
    const body = await health.json();
    assert.equal(body.status, "degraded");
    assert.match(body.error, /database or disk is full/);

    // Space returns: the platform's redelivery is accepted, no restart.
    await sql.raw(`pragma max_page_count = 1073741823`).execute(store.db);
    const redelivered = await app.request("/webhooks/memory", delivery(firstRefused, pr - 1));
    assert.equal(redelivered.status, 202);
    const { job_id } = await redelivered.json();
    assert.equal((await queue.get(job_id))?.status, "queued");
    assert.ok((await deliveries()).some((d) => d.delivery_id === firstRefused));
    assert.equal(lines.filter((l) => l.includes('"msg":"store available again')).length, 1);
    assert.equal((await (await app.request("/health")).json()).status, "ok");
  } finally {
    await queue.close();
    await store.close();
    await file.dispose();
  }
});
