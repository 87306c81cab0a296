/**
 * The HTTP layer: health, metrics, the admin API and the dashboard at `/` (platform webhooks plug
 * in here too).
 * @module
 */
import { Hono } from "hono";
import { type DashboardDeps, dashboardRoutes } from "../dashboard/mod.ts";
import type { Logger } from "../log.ts";
import type { Queue } from "../queue/mod.ts";
import type { ReviewStore } from "../store/mod.ts";
import { adminAuth } from "./admin_auth.ts";
import { jobsApi } from "./api/jobs.ts";
import { reviewsApi } from "./api/reviews.ts";
import { usageApi } from "./api/usage.ts";
import { healthHandler } from "./health.ts";
import type { Metrics } from "./metrics.ts";
import { requestLog } from "./request_log.ts";
import { createStoreOutage } from "./store_outage.ts";
import { type WebhookDeps, webhookRoutes } from "./webhooks.ts";

/** What the app needs, handed in so tests can build it around fakes. */
export interface AppDeps {
  /** The review store, for `/api/reviews`. */
  store: ReviewStore;
  queue: Queue;
  metrics: Metrics;
  log: Logger;
  /** Undefined disables `/api` and the dashboard (which then says how to enable it). */
  adminToken?: string;
  /** Read-only dashboard sign-in. */
  viewerToken?: string;
  /** Hours a dashboard sign-in lasts; default 12. */
  dashboardSessionH?: number;
  /** Epoch ms now, for the dashboard; default `Date.now`. */
  now?: () => number;
  /** What the dashboard's Settings and Config check pages show of the server, and the cost seam. */
  dashboard?: Pick<DashboardDeps, "server" | "fetch">;
  /** Aborted when the server stops: the dashboard ends its live streams. */
  closing?: AbortSignal;
  /** Webhook adapters and limits; without it there are no webhook routes (tests of the API). */
  webhooks?: WebhookDeps;
}

/**
 * Builds the Hono app.
 *
 * @example
 * ```ts
 * import { migrateToLatest, openDatabase } from "../db/mod.ts";
 * import { silentLogger } from "../log.ts";
 * import { createQueue } from "../queue/mod.ts";
 * import { createReviewStore } from "../store/mod.ts";
 * import { createApp } from "./app.ts";
 * import { createMetrics } from "./metrics.ts";
 * import assert from "node:assert/strict";
 *
 * const db = await openDatabase(":memory:");
 * await migrateToLatest(db);
 * const queue = await createQueue(db);
 * const metrics = createMetrics(queue.count);
 * const app = createApp({ store: createReviewStore(db), queue, metrics, log: silentLogger });
 * const res = await app.request("/health");
 * assert.equal(res.status, 200);
 * assert.equal((await res.json()).status, "ok");
 * await db.close();
 * ```
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use("*", ...requestLog(deps.log, deps.metrics));

  const outage = createStoreOutage(deps.log);
  const health = healthHandler(deps.queue, outage);
  app.on(["GET", "POST", "HEAD"], "/health", health);

  app.get("/metrics", async (c) => {
    c.header("Content-Type", deps.metrics.registry.contentType);
    return c.body(await deps.metrics.render());
  });

  if (deps.webhooks) {
    app.route(
      "/webhooks",
      webhookRoutes(deps.webhooks, outage),
    );
  }

  app.use("/api/*", adminAuth(deps.adminToken));
  app.route("/api/jobs", jobsApi(deps.queue));
  app.route("/api/reviews", reviewsApi(deps.store));
  app.route("/api/usage", usageApi(deps.store));

  app.route(
    "/",
    dashboardRoutes({
      ...deps.dashboard,
      store: deps.store,
      queue: deps.queue,
      now: deps.now ?? Date.now,
    }, {
      adminToken: deps.adminToken,
      viewerToken: deps.viewerToken,
      sessionHours: deps.dashboardSessionH ?? 12,
      log: deps.log,
      closing: deps.closing,
    }),
  );

  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    deps.log.error("unhandled error", {
      request_id: c.get("requestId"),
      error: error instanceof Error ? error.message : String(error),
    });
    return c.json({ error: "internal error", request_id: c.get("requestId") }, 500);
  });
  return app;
}
