/**
 * What every dashboard request is checked for: the session cookie, and on state-changing
 * requests that they come from the dashboard's own pages (same origin and the session's CSRF
 * token), plus the headers every dashboard answer carries.
 * @module
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { sameSecret } from "../secrets/mod.ts";
import type { Session, SessionSigner } from "./session.ts";

/** The cookie holding the signed session. */
export const SESSION_COOKIE = "loom_session";

/** Whether the browser reached Loom over https, directly or through a proxy that says so. */
export function overHttps(c: Context): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  return (c.req.header("x-forwarded-proto") ?? "").split(",")[0].trim().toLowerCase() === "https";
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure over https. */
export function setSessionCookie(c: Context, value: string, session: Session, now: number) {
  setCookie(c, SESSION_COOKIE, value, {
    path: "/",
    httpOnly: true,
    sameSite: "Strict",
    secure: overHttps(c),
    maxAge: Math.max(1, Math.floor((session.expiresAt - now) / 1000)),
  });
}

/** Removes the session cookie (sign-out, or a cookie that no longer verifies). */
export function clearSessionCookie(c: Context) {
  deleteCookie(c, SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "Strict" });
}

/** The request's verified session, or null. */
export function readSession(c: Context, signer: SessionSigner, now: number) {
  return signer.read(getCookie(c, SESSION_COOKIE), now);
}

/**
 * False when a state-changing request was sent by another site. Browsers say where a request
 * came from in `Sec-Fetch-Site`, which a page cannot forge: only `same-origin` (or `none`, typed
 * by the user) passes. A client that sends no `Sec-Fetch-Site` is judged by its `Origin`, which
 * must name the host it asked for (`X-Forwarded-Host` behind a proxy). This guards the sign-in
 * form too, which has no session yet to bind a CSRF token to (login CSRF). `Sec-Fetch-Site` first
 * because a proxy that rewrites `Host` (nginx's default) would make every honest `Origin` differ.
 */
export function sameOrigin(c: Context): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined) return site === "same-origin" || site === "none";
  const origin = c.req.header("origin");
  if (origin === undefined) return true;
  const host = c.req.header("x-forwarded-host") ?? c.req.header("host") ?? new URL(c.req.url).host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false; // "null" and other opaque origins
  }
}

/** Whether `given` (the form's `_csrf` or the `X-CSRF-Token` header) is `session`'s token. */
export async function validCsrf(
  signer: SessionSigner,
  session: Session,
  given: string | undefined,
): Promise<boolean> {
  if (!given || given.length > 100) return false;
  return await sameSecret(given, await signer.csrfToken(session));
}

/** Headers of every dashboard page: nothing cached, no inline script, no framing. */
export function securityHeaders(c: Context) {
  c.header("Cache-Control", "no-store");
  c.header(
    "Content-Security-Policy",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
      "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  c.header("X-Frame-Options", "DENY");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "same-origin");
}

/**
 * The session of a state-changing request that passed every check, or the refusal: no session
 * (401), another origin or a missing or wrong CSRF token (403).
 */
export async function checkPost(
  c: Context,
  signer: SessionSigner,
  now: number,
): Promise<Session | Response> {
  if (!sameOrigin(c)) return c.text("cross-site request refused", 403);
  const session = await readSession(c, signer, now);
  if (!session) return c.text("signed out: sign in again", 401);
  let token = c.req.header("x-csrf-token");
  if (token === undefined) {
    const type = c.req.header("content-type") ?? "";
    if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/")) {
      const form = await c.req.parseBody();
      token = typeof form._csrf === "string" ? form._csrf : undefined;
    }
  }
  if (!(await validCsrf(signer, session, token))) {
    return c.text("missing or wrong CSRF token: reload the page", 403);
  }
  return session;
}
