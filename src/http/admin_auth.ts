/**
 * Guards the admin API with `Authorization: Bearer $LOOM_ADMIN_TOKEN`. Without a configured token
 * the API does not exist (404), so a fresh install exposes nothing by accident.
 * @module
 */
import type { MiddlewareHandler } from "hono";

/** Compares in constant time over SHA-256 digests, so neither content nor length leaks. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(given)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

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
