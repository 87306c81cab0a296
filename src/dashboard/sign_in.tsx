/**
 * Signing in with the admin or viewer token (a password field) and signing out.
 * @module
 */
import { type Context, Hono } from "hono";
import { getConnInfo } from "hono/deno";
import type { Logger } from "../log.ts";
import { sameSecret } from "../secrets/mod.ts";
import { Layout } from "./layout.tsx";
import {
  checkPost,
  clearSessionCookie,
  readSession,
  sameOrigin,
  securityHeaders,
  setSessionCookie,
} from "./request_guard.ts";
import type { Role, SessionSigner } from "./session.ts";
import type { SignInThrottle } from "./throttle.ts";

/** What sign-in needs. */
export interface SignInDeps {
  signer: () => Promise<SessionSigner>;
  throttle: SignInThrottle;
  adminToken: string;
  viewerToken?: string;
  ttlMs: number;
  now: () => number;
  log: Logger;
}

/** A token longer than this is refused unread: no configured token is near it. */
const MAX_TOKEN_CHARS = 1_000;

/** `GET /sign-in`, `POST /sign-in` and `POST /sign-out`. */
export function signInRoutes(deps: SignInDeps): Hono {
  const app = new Hono();

  app.get("/sign-in", async (c) => {
    securityHeaders(c);
    if (await readSession(c, await deps.signer(), deps.now())) return c.redirect("/", 303);
    return c.html(<SignInPage />);
  });

  app.post("/sign-in", async (c) => {
    securityHeaders(c);
    if (!sameOrigin(c)) return c.text("cross-site request refused", 403);
    const address = clientAddress(c);
    const now = deps.now();
    const waitMs = deps.throttle.waitMs(address, now);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      c.header("Retry-After", String(seconds));
      return c.html(
        <SignInPage error={`Too many wrong tokens: try again in ${seconds} seconds.`} />,
        429,
      );
    }
    const form = await c.req.parseBody();
    const token = typeof form.token === "string" ? form.token.trim() : "";
    const role = token.length > MAX_TOKEN_CHARS ? null : await roleOf(token, deps);
    if (!role) {
      deps.throttle.failed(address, now);
      deps.log.warn("dashboard sign-in refused", { address });
      return c.html(<SignInPage error="Wrong token." />, 401);
    }
    deps.throttle.succeeded(address);
    const { session, cookie } = await (await deps.signer()).issue(role, now, deps.ttlMs);
    setSessionCookie(c, cookie, session, now);
    deps.log.info("dashboard sign-in", { address, role });
    return c.redirect("/", 303);
  });

  app.post("/sign-out", async (c) => {
    securityHeaders(c);
    const signer = await deps.signer();
    const session = await checkPost(c, signer, deps.now());
    if (session instanceof Response) return session;
    signer.revoke(session);
    clearSessionCookie(c);
    return c.redirect("/sign-in", 303);
  });

  return app;
}

/** Which role `token` signs in as; both comparisons always run, in constant time. */
async function roleOf(token: string, deps: SignInDeps): Promise<Role | null> {
  if (!token) return null;
  const [admin, viewer] = await Promise.all([
    sameSecret(token, deps.adminToken),
    deps.viewerToken ? sameSecret(token, deps.viewerToken) : Promise.resolve(false),
  ]);
  return admin ? "admin" : viewer ? "viewer" : null;
}

/** The peer's address; "unknown" when the request did not come over a socket (tests). */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

function SignInPage(props: { error?: string }) {
  return (
    <Layout title="Sign in">
      <form class="signin panel" method="post" action="/sign-in">
        {props.error && <p class="error" role="alert">{props.error}</p>}
        <label>
          Admin or viewer token
          <input
            type="password"
            name="token"
            autocomplete="current-password"
            required
            maxlength={MAX_TOKEN_CHARS}
            autofocus
          />
        </label>
        <button type="submit" class="primary">Sign in</button>
        <p class="muted">
          The token is <code>LOOM_ADMIN_TOKEN</code> (or <code>LOOM_VIEWER_TOKEN</code>{" "}
          to look without pressing buttons) from the server's settings.
        </p>
      </form>
    </Layout>
  );
}
