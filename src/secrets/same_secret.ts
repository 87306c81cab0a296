/**
 * Comparing a secret someone sent with the one configured, without the time taken telling an
 * attacker how close the guess was.
 * @module
 */

/**
 * True when `given` equals `expected`, compared in constant time: both are hashed with SHA-256
 * first and the digests compared byte by byte without stopping early, so neither their content
 * nor their lengths show in the time taken.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sameSecret } from "./same_secret.ts";
 *
 * const request = new Request("http://loom.test/webhooks/gitlab", {
 *   headers: { "x-gitlab-token": "guess" },
 * });
 * assert.equal(await sameSecret(request.headers.get("x-gitlab-token") ?? "", "configured"), false);
 * assert.equal(await sameSecret("configured", "configured"), true);
 * ```
 */
export async function sameSecret(given: string, expected: string): Promise<boolean> {
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
