/**
 * Reading a file through a platform's API, where 404 means the file is not there.
 * @module
 */
import { PlatformError } from "../../src/platform/mod.ts";
import { readBoundedText } from "./bounded_body.ts";

/**
 * The text of a file read whose 404 the caller expected: null for a 404 (no such file at that
 * ref, which is an answer, not a failure), else the body. The 404's body is discarded so that
 * its connection is freed. A body past `maxBytes` ({@link MAX_FILE_BYTES}) is refused (see
 * {@link boundedFileText}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileText } from "./file_text.ts";
 *
 * assert.equal(await fileText(new Response("reviews: []\n")), "reviews: []\n");
 * assert.equal(await fileText(new Response("Not Found", { status: 404 })), null);
 * await assert.rejects(fileText(new Response("x".repeat(10)), 4), /larger than 4 bytes/);
 * ```
 */
export async function fileText(
  res: Response,
  maxBytes = MAX_FILE_BYTES,
): Promise<string | null> {
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  return await boundedFileText(res, maxBytes);
}

/**
 * The most of one file `fetchFile` reads (a config, a prompt, a changed file for context): a file
 * in a repository can be of any size its author chose, and is never read whole past this.
 */
export const MAX_FILE_BYTES = 1024 * 1024;
const MIB = 1024 * 1024;

/**
 * The body of a file read, or a permanent `PlatformError` (413) once it passes `maxBytes`: the
 * rest is never read.
 */
export async function boundedFileText(res: Response, maxBytes = MAX_FILE_BYTES): Promise<string> {
  const text = await readBoundedText(res, maxBytes);
  if (text === null) {
    const most = maxBytes % MIB === 0 ? `${maxBytes / MIB} MiB` : `${maxBytes} bytes`;
    throw new PlatformError(`the file is larger than ${most}, the most Loom reads`, {
      status: 413,
      retryable: false,
    });
  }
  return text;
}
