/**
 * The signature of a Gitea or Forgejo webhook delivery: lowercase hex HMAC-SHA256 of the exact
 * body bytes, with no prefix, in `X-Forgejo-Signature` (Forgejo) or `X-Gitea-Signature`.
 * @module
 */
import { createHmacCheck } from "../_shared/mod.ts";

/** Checks deliveries against one secret; see {@link createGiteaSignatureCheck}. */
export type GiteaSignatureCheck = (headers: Headers, rawBody: Uint8Array) => Promise<boolean>;

/**
 * Creates the check for `secret`. `X-Forgejo-Signature` is read when present, else
 * `X-Gitea-Signature`. Gitea sends these headers even for a hook without a secret, empty: an
 * empty or missing signature is unsigned, and refused. An empty `secret` refuses everything.
 * The comparison is the shared {@link createHmacCheck}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGiteaSignatureCheck } from "./_signature.ts";
 *
 * const raw = new TextEncoder().encode('{"action":"opened"}');
 * // Gitea's signature: the lowercase hex HMAC-SHA256 of the body.
 * const key = await crypto.subtle.importKey(
 *   "raw",
 *   new TextEncoder().encode("s3cret"),
 *   { name: "HMAC", hash: "SHA-256" },
 *   false,
 *   ["sign"],
 * );
 * const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, raw));
 * const hex = Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
 *
 * const verify = createGiteaSignatureCheck("s3cret");
 * assert.equal(await verify(new Headers({ "X-Gitea-Signature": hex }), raw), true);
 * assert.equal(await verify(new Headers({ "X-Gitea-Signature": "" }), raw), false);
 * const other = createGiteaSignatureCheck("another secret");
 * assert.equal(await other(new Headers({ "X-Gitea-Signature": hex }), raw), false);
 * ```
 */
export function createGiteaSignatureCheck(secret: string): GiteaSignatureCheck {
  const check = createHmacCheck(secret);
  return (headers, rawBody) =>
    check(
      (headers.get("x-forgejo-signature") ?? headers.get("x-gitea-signature") ?? "").trim(),
      rawBody,
    );
}
