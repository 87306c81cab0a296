/**
 * Dashboard sessions: a signed cookie saying who signed in (admin or viewer) and until when.
 *
 * The signing key derives from `LOOM_ADMIN_TOKEN` by HMAC rather than from a random key made at
 * start, so every node behind a load balancer accepts the same cookie and a restart signs nobody
 * out; rotating the admin token (or the viewer token, which enters the derivation too) ends every
 * session at once, which is what an operator who rotates a token wants. The cookie carries only
 * an HMAC of the key, never the token, and cannot be turned back into it.
 * @module
 */
import { sameSecret } from "../secrets/mod.ts";

/** What a signed-in user may do: an admin presses buttons, a viewer only looks. */
export type Role = "admin" | "viewer";

/** A verified session. */
export interface Session {
  role: Role;
  /** Epoch ms after which the cookie is refused. */
  expiresAt: number;
  /** Random id: what the CSRF token and sign-out's revocation are bound to. */
  id: string;
}

/** Signs and checks session cookies and their CSRF tokens with one derived key. */
export interface SessionSigner {
  /** A new session for `role`, valid `ttlMs` from `now`, and its cookie value. */
  issue(role: Role, now: number, ttlMs: number): Promise<{ session: Session; cookie: string }>;
  /** The session a cookie value stands for, or null when forged, malformed, expired or revoked. */
  read(cookie: string | undefined, now: number): Promise<Session | null>;
  /** The CSRF token of `session`: forms carry it, state-changing requests must send it back. */
  csrfToken(session: Session): Promise<string>;
  /** Ends `session` on this node before its expiry (sign-out). */
  revoke(session: Session): void;
}

/** The most sessions remembered as signed out; beyond it the oldest are forgotten first. */
const MAX_REVOKED = 10_000;

/**
 * A signer whose key derives from the admin token (and the viewer token when set).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createSessionSigner } from "./session.ts";
 *
 * const signer = await createSessionSigner("an-admin-token-of-some-length");
 * const { cookie } = await signer.issue("viewer", 1_000, 60_000);
 * assert.equal((await signer.read(cookie, 2_000))?.role, "viewer");
 * assert.equal(await signer.read(cookie, 70_000), null); // expired
 * assert.equal(await signer.read(cookie.replace("viewer", "admin"), 2_000), null); // forged
 * ```
 */
export async function createSessionSigner(
  adminToken: string,
  viewerToken?: string,
): Promise<SessionSigner> {
  const derived = await hmac(
    await importKey(new TextEncoder().encode(adminToken)),
    `loom dashboard sessions v1\0${viewerToken ?? ""}`,
  );
  const key = await importKey(derived);
  const revoked = new Map<string, number>();

  const sign = async (text: string) => base64url(await hmac(key, text));

  return {
    async issue(role, now, ttlMs) {
      const session: Session = { role, expiresAt: now + ttlMs, id: randomId() };
      const body = `${session.role}.${session.expiresAt}.${session.id}`;
      return { session, cookie: `${body}.${await sign(`session\0${body}`)}` };
    },
    async read(cookie, now) {
      // Bounded before any work: a real cookie is under 100 characters.
      if (!cookie || cookie.length > 200) return null;
      const parts = cookie.split(".");
      if (parts.length !== 4) return null;
      const [role, expires, id, signature] = parts;
      const body = `${role}.${expires}.${id}`;
      if (!(await sameSecret(signature, await sign(`session\0${body}`)))) return null;
      if (role !== "admin" && role !== "viewer") return null;
      const expiresAt = Number(expires);
      if (!Number.isSafeInteger(expiresAt) || expiresAt <= now) return null;
      if (revoked.has(id)) return null;
      return { role, expiresAt, id };
    },
    csrfToken: (session) => sign(`csrf\0${session.id}`),
    revoke(session) {
      if (revoked.size >= MAX_REVOKED) revoked.delete(revoked.keys().next().value!);
      revoked.set(session.id, session.expiresAt);
    },
  };
}

function importKey(raw: Uint8Array | ArrayBuffer): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    raw as BufferSource,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
}

async function hmac(key: CryptoKey, text: string): Promise<ArrayBuffer> {
  return await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text));
}

function randomId(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)).buffer);
}

function base64url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}
