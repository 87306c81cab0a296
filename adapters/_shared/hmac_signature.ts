/**
 * The check of a hex HMAC-SHA256 webhook signature (GitHub's `X-Hub-Signature-256`, Bitbucket's
 * `X-Hub-Signature`, Gitea's and Forgejo's `X-Gitea-Signature`): the secret's key is imported
 * once, and the comparison is Web Crypto's HMAC verify, native code that takes the same time
 * wherever the bytes differ. Native matters on the thread serving webhooks: `node:crypto`'s
 * HMAC is JavaScript around the hash (buffers, hex) that a burst of deliveries pays cold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createHmacCheck } from "./hmac_signature.ts";
 *
 * const raw = new TextEncoder().encode('{"action":"opened"}');
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
 * const check = createHmacCheck("s3cret");
 * assert.equal(await check(hex, raw), true);
 * assert.equal(await check(hex.toUpperCase(), raw), true);
 * assert.equal(await check(hex.slice(2), raw), false);
 * assert.equal(await createHmacCheck("another secret")(hex, raw), false);
 * assert.equal(await createHmacCheck(undefined)(hex, raw), false);
 * ```
 * @module
 */

/** Whether `hex` (64 hex digits, either case) is the HMAC-SHA256 of `rawBody` under the secret. */
export type HmacCheck = (hex: string, rawBody: Uint8Array) => Promise<boolean>;

/** Creates the check for `secret`; an empty or missing secret refuses everything. */
export function createHmacCheck(secret: string | undefined): HmacCheck {
  let key: Promise<CryptoKey> | null = null;
  return async (hex, rawBody) => {
    if (!secret || !/^[0-9a-f]{64}$/i.test(hex)) return false;
    key ??= crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
    const signature = new Uint8Array(32);
    for (let i = 0; i < 32; i++) signature[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    try {
      // The body is never in shared memory: its own bytes are hashed, not a copy.
      return await crypto.subtle.verify(
        "HMAC",
        await key,
        signature,
        rawBody as Uint8Array<ArrayBuffer>,
      );
    } catch {
      return false;
    }
  };
}
