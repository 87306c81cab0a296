/**
 * Guards the admin API with `Authorization: Bearer $LOOM_ADMIN_TOKEN`. Without a configured token
 * the API does not exist (404), so a fresh install exposes nothing by accident.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { sameSecret } from "../secrets/mod.ts";

/** The middleware; `token` undefined disables the API. */
export function adminAuth(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (!token) {
      return c.json({ error: "the admin API is disabled: set LOOM_ADMIN_TOKEN to enable it" }, 404);
    }
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !(await sameSecret(match[1].trim(), token))) {
      c.header("WWW-Authenticate", 'Bearer realm="loom"');
      return c.json({ error: "missing or wrong admin token" }, 401);
    }
    await next();
  };
}
