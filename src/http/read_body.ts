/**
 * Reading a request's body whole, up to a size.
 * @module
 */
import { readBoundedStream } from "../net/mod.ts";

/**
 * The body of `req` as bytes, or null when it is larger than `maxBytes`. A body whose
 * `Content-Length` says it is too large is refused unread; one that says its length is read in
 * one piece (`Request.bytes()`: touching `req.body` first, as Hono's `bodyLimit` does, makes a
 * stream that costs the HTTP thread more than the whole read); one without (chunked) is read
 * chunk by chunk and refused as soon as it passes the limit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBody } from "./read_body.ts";
 *
 * const post = (body: BodyInit, headers: Record<string, string> = {}) =>
 *   new Request("http://loom/", { method: "POST", body, headers });
 * assert.deepEqual(await readBody(post("abc", { "content-length": "3" }), 3), new Uint8Array([97, 98, 99]));
 * assert.equal(await readBody(post("abcd", { "content-length": "4" }), 3), null);
 * assert.equal(await readBody(post("abcd"), 3), null);
 * assert.deepEqual(await readBody(new Request("http://loom/"), 3), new Uint8Array());
 * ```
 */
export async function readBody(req: Request, maxBytes: number): Promise<Uint8Array | null> {
  const length = req.headers.get("content-length");
  if (length !== null && !req.headers.has("transfer-encoding")) {
    if (Number.parseInt(length, 10) > maxBytes) return null;
    return await req.bytes();
  }
  if (req.body === null) return new Uint8Array();
  return await readBoundedStream(req.body, maxBytes);
}
