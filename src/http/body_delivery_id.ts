/**
 * A delivery id for a delivery the platform sent none for, made from its signed body.
 * @module
 */
/**
 * `body-sha256:` and the SHA-256 of `rawBody`. Intake dedupes deliveries by id; one without an
 * id (a header stripped by a proxy, an old platform, or an attacker re-sending a captured
 * delivery) would otherwise get none of it. The body is what the signature or token vouches for,
 * so a replay of it is recognised whatever its unsigned headers say.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bodyDeliveryId } from "./body_delivery_id.ts";
 *
 * const body = new TextEncoder().encode('{"action":"opened"}');
 * const id = await bodyDeliveryId(body);
 * assert.match(id, /^body-sha256:[0-9a-f]{64}$/);
 * assert.equal(await bodyDeliveryId(body.slice()), id);
 * assert.notEqual(await bodyDeliveryId(new TextEncoder().encode("{}")), id);
 * ```
 */
export async function bodyDeliveryId(rawBody: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new Uint8Array(rawBody));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0"));
  return `body-sha256:${hex.join("")}`;
}
