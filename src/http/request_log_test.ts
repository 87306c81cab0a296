import assert from "node:assert/strict";
import { Hono } from "hono";
import { silentLogger } from "../log.ts";
import { createMetrics } from "./metrics.ts";
import { requestLog } from "./request_log.ts";

function app() {
  const metrics = createMetrics(() => Promise.resolve([]));
  const app = new Hono();
  app.use("*", ...requestLog(silentLogger, metrics));
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.post("/webhooks/:platform", (c) => c.json({ platform: c.req.param("platform") }));
  return { app, metrics };
}

/** The series of `name` in a scrape, one per distinct label set. */
function series(text: string, name: string): string[] {
  return text.split("\n").filter((line) => line.startsWith(`${name}{`));
}

Deno.test("metrics cardinality: 2,000 requests with random methods and paths add a bounded number of series", async () => {
  const { app: a, metrics } = app();
  for (let i = 0; i < 2_000; i++) {
    const method = `M${crypto.randomUUID().replaceAll("-", "").slice(0, 12).toUpperCase()}`;
    const path = i % 2 ? `/health` : `/random/${crypto.randomUUID()}`;
    await a.request(path, { method });
  }
  await a.request("/health");
  await a.request("/webhooks/github", { method: "POST" });
  await a.request("/webhooks/anything-at-all", { method: "POST" });
  const text = await metrics.render();
  const requests = series(text, "loom_http_requests_total");
  // Known methods on known routes keep their labels; everything else shares OTHER / unmatched.
  assert.ok(requests.length <= 5, `${requests.length} series:\n${requests.join("\n")}`);
  assert.ok(requests.some((s) => s.includes('method="OTHER"')));
  assert.ok(requests.some((s) => s.includes('method="GET",route="/health",status="200"')));
  assert.ok(requests.some((s) => s.includes('method="POST",route="/webhooks/:platform"')));
  assert.ok(requests.every((s) => !/method="M[0-9A-F]{12}"/.test(s)));
  const buckets = series(text, "loom_http_request_duration_seconds_count");
  assert.ok(buckets.length <= 5, `${buckets.length} duration series`);
});

Deno.test("metrics cardinality: a status outside the HTTP range is one label", async () => {
  const { metrics } = app();
  for (let i = 0; i < 50; i++) metrics.observeRequest("GET", "/health", 1000 + i, 0.001);
  metrics.observeRequest("get", "/health", 200, 0.001);
  const requests = series(await metrics.render(), "loom_http_requests_total");
  assert.deepEqual(requests.map((s) => s.replace(/ \d+$/, "")).sort(), [
    'loom_http_requests_total{method="GET",route="/health",status="200"}',
    'loom_http_requests_total{method="GET",route="/health",status="other"}',
  ]);
});
