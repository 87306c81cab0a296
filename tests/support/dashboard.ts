/**
 * Signing in to the dashboard from a test, over HTTP or straight through a Hono app, and reading
 * the CSRF token its forms carry — what a browser does, without one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dashboardWorld } from "./dashboard.ts";
 *
 * await using w = await dashboardWorld();
 * const user = await w.signIn();
 * const page = await w.get("/jobs", user);
 * assert.equal(page.status, 200);
 * assert.match(await page.text(), /<h1>.*Jobs<\/h1>/);
 * ```
 * @module
 */
import assert from "node:assert/strict";
import type { Hono } from "hono";
import { type Database, migrateToLatest, openDatabase } from "../../src/db/mod.ts";
import { type AppDeps, createApp } from "../../src/http/app.ts";
import { createMetrics } from "../../src/http/metrics.ts";
import { silentLogger } from "../../src/log.ts";
import { createQueue, type Queue } from "../../src/queue/mod.ts";
import { createReviewStore, type ReviewStore } from "../../src/store/mod.ts";

/** The admin token the dashboard tests sign in with. */
export const DASHBOARD_ADMIN_TOKEN = "dashboard-admin-token-0123456789";
/** The viewer token they sign in with read-only. */
export const DASHBOARD_VIEWER_TOKEN = "dashboard-viewer-token-987654321";

/** A signed-in browser: its session cookie and the CSRF token of its forms. */
export interface SignedIn {
  cookie: string;
  csrf: string;
}

/** An app on an in-memory store with both tokens set, and a clock the test moves. */
export interface DashboardWorld extends AsyncDisposable {
  app: Hono;
  db: Database;
  store: ReviewStore;
  queue: Queue;
  /** The clock the dashboard reads; set `clock.now` to move it. */
  clock: { now: number };
  /** Signs in with `token` (the admin token by default); asserts it worked. */
  signIn(token?: string): Promise<SignedIn>;
  /** GETs `path` as `user` (signed out when absent). */
  get(path: string, user?: SignedIn, headers?: Record<string, string>): Promise<Response>;
  /** POSTs a form to `path` as `user`, with its CSRF token unless `fields._csrf` is given. */
  post(
    path: string,
    fields: Record<string, string>,
    user?: SignedIn,
    headers?: Record<string, string>,
  ): Promise<Response>;
}

/** Builds a {@link DashboardWorld}; `await using` closes its store. */
export async function dashboardWorld(
  options: {
    viewerToken?: string | null;
    adminToken?: string;
    /** The server view, cost seam and fetch of the Settings and Config check pages. */
    dashboard?: AppDeps["dashboard"];
  } = {},
): Promise<DashboardWorld> {
  const db = await openDatabase(":memory:");
  await migrateToLatest(db);
  const clock = { now: Date.now() };
  const queue = await createQueue(db, { now: () => clock.now });
  const store = createReviewStore(db);
  const app = createApp({
    store,
    queue,
    metrics: createMetrics(queue.count),
    log: silentLogger,
    adminToken: options.adminToken ?? DASHBOARD_ADMIN_TOKEN,
    viewerToken: options.viewerToken === null
      ? undefined
      : options.viewerToken ?? DASHBOARD_VIEWER_TOKEN,
    now: () => clock.now,
    dashboard: options.dashboard,
  });
  const request = (path: string, init: RequestInit = {}) =>
    Promise.resolve(app.request(`http://loom.test${path}`, init));
  const w: DashboardWorld = {
    app,
    db,
    store,
    queue,
    clock,
    async signIn(token = DASHBOARD_ADMIN_TOKEN) {
      const res = await signInOver(request, token);
      assert.equal(res.status, 303, "signed in");
      const cookie = sessionCookie(res);
      const page = await request("/", { headers: { cookie } });
      return { cookie, csrf: csrfOf(await page.text()) };
    },
    get: (path, user, headers = {}) =>
      request(path, { headers: { ...headers, ...(user ? { cookie: user.cookie } : {}) } }),
    post: (path, fields, user, headers = {}) =>
      request(path, {
        method: "POST",
        headers: { ...headers, ...(user ? { cookie: user.cookie } : {}) },
        body: new URLSearchParams({ ...(user ? { _csrf: user.csrf } : {}), ...fields }),
      }),
    [Symbol.asyncDispose]: async () => {
      await queue.close();
      await db.close();
    },
  };
  return w;
}

/** POSTs the sign-in form with `token` through `request` (an app's or a server's). */
export function signInOver(
  request: (path: string, init: RequestInit) => Promise<Response>,
  token: string,
): Promise<Response> {
  return request("/sign-in", {
    method: "POST",
    body: new URLSearchParams({ token }),
    redirect: "manual",
  });
}

/** The `name=value` of the session cookie a response sets. */
export function sessionCookie(res: Response): string {
  const set = res.headers.get("set-cookie") ?? "";
  const match = /(loom_session=[^;]+)/.exec(set);
  assert.ok(match, `a session cookie in ${JSON.stringify(set)}`);
  return match[1];
}

/** The CSRF token in a page's forms. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  assert.ok(match, "a CSRF token in the page");
  return match[1];
}

/** A review as the dashboard tests seed it. */
export interface SeededReview {
  repository?: string;
  pr?: number;
  title?: string;
  status?: "succeeded" | "failed" | "running";
  error?: string;
  promptTokens?: number;
  completionTokens?: number;
  /** Epoch ms it started; default the world's clock. */
  at?: number;
  /** A pipeline run with this model, holding the review's tokens. */
  model?: string;
}

let nextJobId = 1_000_000;

/** Stores a review the way the review flow does (start, totals, end); returns its id. */
export async function seedReview(
  w: { store: ReviewStore; clock: { now: number } },
  r: SeededReview = {},
): Promise<number> {
  const at = r.at ?? w.clock.now;
  const id = await w.store.startReview({
    repo: { platform: "github", fullName: r.repository ?? "octo/app" },
    pr: r.pr ?? 1,
    headSha: "a".repeat(40),
    baseSha: "b".repeat(40),
    prTitle: r.title ?? "Add user search",
    trigger: "opened",
    jobId: nextJobId++,
    now: at,
  });
  const promptTokens = r.promptTokens ?? 1_000;
  const completionTokens = r.completionTokens ?? 200;
  await w.store.recordReviewCounts(id, {
    findings: 2,
    blockers: 1,
    promptTokens,
    completionTokens,
    llmCalls: 1,
  });
  if (r.model) {
    await w.store.savePipelineRun(id, {
      pipeline: "blockers",
      model: r.model,
      status: "succeeded",
      error: null,
      findings: [],
      droppedUnknownPath: 0,
      promptTokens,
      completionTokens,
      llmCalls: 1,
      durationMs: 1_500,
    }, at);
  }
  const status = r.status ?? "succeeded";
  if (status !== "running") await w.store.endReview(id, status, at + 1_500, { error: r.error });
  return id;
}

/**
 * Makes a job of `kind` dead: one attempt allowed, claimed and failed with `error`. Call it
 * before queueing other jobs of `kind`, which the claim could take first.
 */
export async function seedDeadJob(w: DashboardWorld, kind: string, error: string) {
  const job = await w.queue.enqueue(kind, "normal", { n: 1 }, { maxAttempts: 1 });
  const [claimed] = await w.queue.claim("test-worker", 1, { kinds: [kind], leaseMs: 60_000 });
  assert.equal(claimed.id, job.id);
  await w.queue.fail("test-worker", claimed, new Error(error));
  const dead = await w.queue.get(job.id);
  assert.equal(dead!.status, "dead");
  return dead!;
}
