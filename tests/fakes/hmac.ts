/**
 * The webhook signature Gitea, Forgejo and Bitbucket put on a delivery: an HMAC of the exact
 * body bytes, in lowercase hex.
 * @module
 */

/** The lowercase hex HMAC of `body` with `secret`. */
export async function hmacHex(
  secret: string,
  body: string,
  hash: "SHA-256" | "SHA-1" = "SHA-256",
): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)),
  );
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}
