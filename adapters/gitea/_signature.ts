/**
 * The signature of a Gitea or Forgejo webhook delivery: lowercase hex HMAC-SHA256 of the exact
 * body bytes, with no prefix, in `X-Forgejo-Signature` (Forgejo) or `X-Gitea-Signature`.
 * @module
 */

/** Checks deliveries against one secret; see {@link createGiteaSignatureCheck}. */
export type GiteaSignatureCheck = (headers: Headers, rawBody: Uint8Array) => Promise<boolean>;

/**
 * Creates the check for `secret`. `X-Forgejo-Signature` is read when present, else
 * `X-Gitea-Signature`. Gitea sends these headers even for a hook without a secret, empty: an
 * empty or missing signature is unsigned, and refused. An empty `secret` refuses everything.
 * The comparison is Web Crypto's HMAC verify, which takes the same time wherever the bytes differ.
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
  let key: Promise<CryptoKey> | null = null;
  return async (headers, rawBody) => {
    if (!secret) return false;
    const given = (headers.get("x-forgejo-signature") ?? headers.get("x-gitea-signature") ?? "")
      .trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(given)) return false;
    key ??= crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
    const signature = new Uint8Array(32);
    for (let i = 0; i < 32; i++) signature[i] = parseInt(given.slice(i * 2, i * 2 + 2), 16);
    return await crypto.subtle.verify("HMAC", await key, signature, new Uint8Array(rawBody));
  };
}
