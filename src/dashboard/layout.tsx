/**
 * The frame of every dashboard page: head, nav bar, who is signed in, sign-out, content.
 * @module
 */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { NAV, type NavId } from "./page.ts";
import type { Role } from "./session.ts";

/** What the layout shows around a page. */
export interface LayoutProps {
  title: string;
  /** Lit nav entry; absent on the sign-in page, which has no nav. */
  nav?: NavId;
  /** Who is signed in, with the CSRF token the sign-out form sends; absent when signed out. */
  user?: { role: Role; csrf: string };
  /** The page has live parts: the script opens its event stream. */
  live?: boolean;
  children?: Child;
}

/**
 * The whole HTML document around `children`. Styles and script are files of the binary
 * (`/assets/…`), so the Content-Security-Policy can forbid every inline script.
 *
 * @example
 * ```tsx
 * import assert from "node:assert/strict";
 * import { Layout } from "./layout.tsx";
 *
 * const html = String(<Layout title="Jobs" nav="jobs" user={{ role: "viewer", csrf: "t" }}>hi</Layout>);
 * assert.match(html, /<a href="\/jobs" aria-current="page">Jobs<\/a>/);
 * assert.match(html, /read-only/);
 * ```
 */
export function Layout(props: LayoutProps) {
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{props.title} · Loom</title>
          <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/assets/dashboard.css" />
          <script src="/assets/dashboard.js" defer></script>
        </head>
        <body data-live={props.live ? "" : undefined}>
          <header class="top">
            <a class="brand" href="/">Loom</a>
            {props.user && (
              <nav aria-label="Dashboard">
                {NAV.map((entry) => (
                  <a href={entry.href} aria-current={entry.id === props.nav ? "page" : undefined}>
                    {entry.label}
                  </a>
                ))}
              </nav>
            )}
            {props.user && (
              <form class="signout" method="post" action="/sign-out">
                {props.user.role === "viewer" && <span class="badge">read-only</span>}
                <input type="hidden" name="_csrf" value={props.user.csrf} />
                <button type="submit">Sign out</button>
              </form>
            )}
          </header>
          <main>
            <h1>
              {props.live && <span id="live-dot" class="live-dot" title="live"></span>}
              {props.title}
            </h1>
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}
