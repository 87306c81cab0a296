/**
 * Reading a file through a platform's API, where 404 means the file is not there.
 * @module
 */

/**
 * The text of a file read whose 404 the caller expected: null for a 404 (no such file at that
 * ref, which is an answer, not a failure), else the body. The 404's body is discarded so that
 * its connection is freed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileText } from "./file_text.ts";
 *
 * assert.equal(await fileText(new Response("reviews: []\n")), "reviews: []\n");
 * assert.equal(await fileText(new Response("Not Found", { status: 404 })), null);
 * ```
 */
export async function fileText(res: Response): Promise<string | null> {
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  return await res.text();
}
