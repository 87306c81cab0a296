/**
 * The dashboard's routes, mounted at `/` by `createApp`: assets, sign-in and sign-out, and each
 * page of `pages.ts` behind the session, with CSRF and the admin role checked before any POST
 * and a Server-Sent Events stream for pages with live parts.
 * @module
 */
import { type Context, Hono } from "hono";
import type { Child } from "hono/jsx";
import { bodyLimit } from "hono/body-limit";
import { streamSSE } from "hono/streaming";
import type { Logger } from "../log.ts";
import { DASHBOARD_CSS, DASHBOARD_JS, FAVICON_SVG } from "./assets.ts";
import { Layout } from "./layout.tsx";
import type { DashboardDeps, DashboardPage, PageContext } from "./page.ts";
import { PAGES } from "./pages.ts";
import { checkPost, clearSessionCookie, readSession, securityHeaders } from "./request_guard.ts";
import { createSessionSigner, type Session, type SessionSigner } from "./session.ts";
import { signInRoutes } from "./sign_in.tsx";
import { createSignInThrottle, type SignInThrottle } from "./throttle.ts";

/** How the dashboard is set up, besides what its pages read. */
export interface DashboardOptions {
  /** `LOOM_ADMIN_TOKEN`; without it the dashboard only says how to enable it. */
  adminToken?: string;
  /** `LOOM_VIEWER_TOKEN`: read-only sign-in. */
  viewerToken?: string;
  /** `LOOM_DASHBOARD_SESSION_H`. */
  sessionHours: number;
  log: Logger;
  /** How often live parts are re-read; default 2 s. */
  liveIntervalMs?: number;
  /** Default: 5 wrong tokens per address per 15 minutes. */
  throttle?: SignInThrottle;
  /** Aborted when the server stops: live streams end, so a graceful shutdown need not wait. */
  closing?: AbortSignal;
  /** Pages to serve; default {@link PAGES}. */
  pages?: readonly DashboardPage[];
}

/** The largest form a dashboard POST may send unless its page says more (`maxBodyBytes`). */
export const MAX_FORM_BYTES = 16 * 1024;

/** Refuses a POST body over `maxSize` bytes before it is read (413). */
function formLimit(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: (c) => c.text(`form larger than ${maxSize} bytes`, 413),
  });
}

/** Streams open at once; more are refused so a tab storm cannot hold every connection. */
const MAX_STREAMS = 64;
/** A stream ends after this long; the browser reconnects, and the session is read afresh. */
const STREAM_LIFETIME_MS = 5 * 60_000;

/**
 * The dashboard's Hono app.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { migrateToLatest, openDatabase } from "../db/mod.ts";
 * import { silentLogger } from "../log.ts";
 * import { createQueue } from "../queue/mod.ts";
 * import { createReviewStore } from "../store/mod.ts";
 * import { dashboardRoutes } from "./routes.tsx";
 *
 * const db = await openDatabase(":memory:");
 * await migrateToLatest(db);
 * const deps = { store: createReviewStore(db), queue: await createQueue(db), now: Date.now };
 * const off = dashboardRoutes(deps, { sessionHours: 12, log: silentLogger });
 * assert.match(await (await off.request("/")).text(), /LOOM_ADMIN_TOKEN/);
 * const on = dashboardRoutes(deps, {
 *   adminToken: "an-admin-token-of-some-length",
 *   sessionHours: 12,
 *   log: silentLogger,
 * });
 * const res = await on.request("/jobs");
 * assert.equal(res.status, 303);
 * assert.equal(res.headers.get("location"), "/sign-in");
 * await db.close();
 * ```
 */
export function dashboardRoutes(deps: DashboardDeps, options: DashboardOptions): Hono {
  const app = new Hono();
  app.get("/assets/dashboard.css", (c) => asset(c, DASHBOARD_CSS, "text/css"));
  app.get("/assets/dashboard.js", (c) => asset(c, DASHBOARD_JS, "text/javascript"));
  app.get("/assets/favicon.svg", (c) => asset(c, FAVICON_SVG, "image/svg+xml"));

  const pages = options.pages ?? PAGES;
  const adminToken = options.adminToken;
  if (!adminToken) {
    const disabled = (c: Context) => {
      securityHeaders(c);
      return c.html(
        <Layout title="Dashboard disabled">
          <p class="notice">
            The dashboard is off because no admin token is set. Set <code>LOOM_ADMIN_TOKEN</code>
            {" "}
            (at least 16 characters, e.g. <code>openssl rand -hex 32</code>) and restart{" "}
            <code>loom serve</code>, then sign in here with it.
          </p>
        </Layout>,
        404,
      );
    };
    for (const path of ["/", "/sign-in", ...pages.map((p) => p.path)]) app.get(path, disabled);
    return app;
  }

  // Created once, on first use: deriving the key is async and createApp is not.
  let signerPromise: Promise<SessionSigner> | undefined;
  const signer = () => signerPromise ??= createSessionSigner(adminToken, options.viewerToken);
  const throttle = options.throttle ?? createSignInThrottle();
  const intervalMs = options.liveIntervalMs ?? 2_000;
  let streams = 0;

  app.post("/sign-in", formLimit(MAX_FORM_BYTES));
  app.post("/sign-out", formLimit(MAX_FORM_BYTES));
  app.route(
    "/",
    signInRoutes({
      signer,
      throttle,
      adminToken,
      viewerToken: options.viewerToken,
      ttlMs: options.sessionHours * 3_600_000,
      now: deps.now,
      log: options.log,
    }),
  );

  const context = async (c: Context, session: Session): Promise<PageContext> => ({
    c,
    deps,
    session,
    csrf: await (await signer()).csrfToken(session),
  });

  for (const page of pages) {
    app.get(page.path, async (c) => {
      securityHeaders(c);
      const session = await readSession(c, await signer(), deps.now());
      if (!session) {
        clearSessionCookie(c);
        return c.redirect("/sign-in", 303);
      }
      const ctx = await context(c, session);
      if (page.live && c.req.header("accept")?.includes("text/event-stream")) {
        if (streams >= MAX_STREAMS) return c.text("too many live pages open", 503);
        streams++;
        return liveStream(ctx, page.live.bind(page), {
          intervalMs,
          signer,
          closing: options.closing,
          closed: () => streams--,
        });
      }
      const content = await page.render(ctx);
      if (content instanceof Response) return content;
      return c.html(
        <Layout
          title={page.title}
          nav={page.nav}
          user={{ role: session.role, csrf: ctx.csrf }}
          live={page.live !== undefined}
        >
          {content}
        </Layout>,
      );
    });

    if (page.post) {
      const post = page.post.bind(page);
      app.post(page.path, formLimit(page.maxBodyBytes ?? MAX_FORM_BYTES), async (c) => {
        securityHeaders(c);
        const checked = await checkPost(c, await signer(), deps.now());
        if (checked instanceof Response) return checked;
        if (checked.role !== "admin" && !page.readOnlyPost) {
          return c.text("read-only sign-in: this needs the admin token", 403);
        }
        return post(await context(c, checked));
      });
    }
  }
  return app;
}

function liveStream(
  ctx: PageContext,
  live: (ctx: PageContext) => Promise<Record<string, Child>>,
  options: {
    intervalMs: number;
    signer: () => Promise<SessionSigner>;
    closing?: AbortSignal;
    closed: () => void;
  },
) {
  const { c, deps } = ctx;
  return streamSSE(c, async (stream) => {
    try {
      const sent = new Map<string, string>();
      const until = deps.now() + STREAM_LIFETIME_MS;
      while (!stream.aborted && !options.closing?.aborted && deps.now() < until) {
        // Re-read: sign-out or expiry ends the stream.
        const session = await readSession(c, await options.signer(), deps.now());
        if (!session) {
          await stream.writeSSE({ event: "signed-out", data: "" });
          return;
        }
        for (const [id, part] of Object.entries(await live(ctx))) {
          const html = await renderPart(part);
          if (sent.get(id) === html) continue;
          sent.set(id, html);
          await stream.writeSSE({ event: "fragment", data: JSON.stringify({ id, html }) });
        }
        await sleep(options.intervalMs, options.closing);
      }
    } finally {
      options.closed();
    }
  });
}

/** Waits `ms`, or less when `signal` aborts first. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Renders a JSX part to its (escaped) HTML text. */
export async function renderPart(part: Child): Promise<string> {
  return String(await (<>{part}</>).toString());
}

function asset(c: Context, body: string, type: string) {
  c.header("Content-Type", `${type}; charset=utf-8`);
  c.header("Cache-Control", "public, max-age=3600");
  c.header("X-Content-Type-Options", "nosniff");
  return c.body(body);
}
