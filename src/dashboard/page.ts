/**
 * The page contract: how a dashboard page gets what it needs and renders inside the layout.
 *
 * A page is plain data, a {@link DashboardPage}, listed in `pages.ts`. The routes (`routes.tsx`)
 * do everything around it: they check the session (signed-out visitors go to `/sign-in`), check
 * CSRF and the admin role before any `post`, wrap what `render` returns in the layout with the
 * nav entry `nav` lit, and set the headers (no caching, CSP). A page only reads `ctx` and returns
 * JSX; every string in that JSX is escaped by Hono, so stored data never reaches the page as
 * HTML. Each page keeps its queries bounded (LIMIT, keyset cursors).
 * @module
 */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { Queue } from "../queue/mod.ts";
import type { ReviewStore } from "../store/mod.ts";
import type { ServerView } from "./server_view.ts";
import type { Session } from "./session.ts";

/** The entries of the nav bar, in order. */
export const NAV = [
  { id: "overview", label: "Overview", href: "/" },
  { id: "reviews", label: "Reviews", href: "/reviews" },
  { id: "jobs", label: "Jobs", href: "/jobs" },
  { id: "repositories", label: "Repositories", href: "/repositories" },
  { id: "settings", label: "Settings", href: "/settings" },
  { id: "config", label: "Config check", href: "/config-check" },
] as const;

/** Which nav entry a page lights. */
export type NavId = (typeof NAV)[number]["id"];

/**
 * What pages read, handed in by `createApp` (tests hand in their own). Pages that need more
 * (settings, model endpoints) add an optional field here and its wiring in `src/server.ts`.
 */
export interface DashboardDeps {
  store: ReviewStore;
  queue: Queue;
  /** Epoch ms now; tests pin it. */
  now: () => number;
  /** Platforms, model endpoints and the config policy (Settings, Config check); unset: not shown. */
  server?: ServerView;
  /** The fetch a "test connection" uses; default global fetch. */
  fetch?: typeof fetch;
}

/** What a page's `render` and `post` get. */
export interface PageContext {
  /** The Hono context: `ctx.c.req.param()`, `ctx.c.req.query()`, `ctx.c.req.parseBody()`. */
  c: Context;
  deps: DashboardDeps;
  session: Session;
  /** Put in every form as `<input type="hidden" name="_csrf" value={ctx.csrf}>`. */
  csrf: string;
}

/** One dashboard page. */
export interface DashboardPage {
  /** Hono route pattern, e.g. `/reviews` or `/reviews/:id`. */
  path: string;
  /** The `<title>` and heading. */
  title: string;
  nav: NavId;
  /** The page's content (placed in the layout), or a Response of its own (404, redirect). */
  render(ctx: PageContext): Promise<Child | Response>;
  /**
   * Handles a POST to `path` (a button): only admins reach it (unless `readOnlyPost`), with a
   * valid CSRF token already checked. Answer with a redirect back (`ctx.c.redirect(...)`, 303) so reloading repeats
   * nothing.
   */
  post?(ctx: PageContext): Promise<Response>;
  /**
   * A viewer may POST here too: the post changes nothing (it only answers, as Config check's
   * validation does). Default false: a POST is an admin's action.
   */
  readOnlyPost?: boolean;
  /** The largest body `post` accepts, refused with 413 unread beyond it; default 16 KiB. */
  maxBodyBytes?: number;
  /**
   * The page's live parts, by element id: while the page is open its script holds a
   * Server-Sent Events stream of the same URL, and each part whose HTML changed replaces the
   * content of the element with that id. `render` should place the same parts under those ids.
   */
  live?(ctx: PageContext): Promise<Record<string, Child>>;
}
