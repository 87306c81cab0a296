/**
 * Reading a response body with a byte limit: the stream is read chunk by chunk and cancelled
 * as soon as it passes the limit, so an answer of any size costs at most the limit in memory.
 * Reading it whole and then measuring would already have paid for all of it.
 * @module
 */

import { DiffTooLargeError } from "../../src/platform/mod.ts";
import { readBoundedStream } from "../../src/net/mod.ts";

/** The diff limit adapters apply when their builder names none: `LOOM_MAX_DIFF_BYTES`' default. */
export const DEFAULT_MAX_DIFF_BYTES = 5 * 1024 * 1024;

/**
 * The bytes of `res`'s body, or null once they pass `maxBytes` (the rest is never read: the
 * stream is cancelled, which frees the connection). A `Content-Length` above the limit is refused
 * before any byte is read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBoundedBytes } from "./bounded_body.ts";
 *
 * let pulled = 0;
 * // An endless body: 1 KiB chunks for ever.
 * const endless = new ReadableStream<Uint8Array>({
 *   pull(c) {
 *     pulled++;
 *     c.enqueue(new Uint8Array(1024));
 *   },
 * });
 * assert.equal(await readBoundedBytes(new Response(endless), 4096), null);
 * assert.ok(pulled <= 6, "stopped right after the limit");
 * assert.equal((await readBoundedBytes(new Response("diff"), 4))?.length, 4);
 * ```
 */
export async function readBoundedBytes(
  res: Response,
  maxBytes: number,
): Promise<Uint8Array | null> {
  const length = Number(res.headers.get("content-length") ?? NaN);
  if (length > maxBytes || !res.body) {
    await res.body?.cancel();
    return length > maxBytes ? null : new Uint8Array();
  }
  return await readBoundedStream(res.body, maxBytes);
}

/** The text of `res`'s body (UTF-8), or null once it passes `maxBytes`; see {@link readBoundedBytes}. */
export async function readBoundedText(res: Response, maxBytes: number): Promise<string | null> {
  const bytes = await readBoundedBytes(res, maxBytes);
  return bytes === null ? null : new TextDecoder().decode(bytes);
}

/**
 * What is left of one diff's byte limit, shared by every response the diff is read from (a diff
 * in pages, or file by file); see {@link diffBudget}.
 */
export interface DiffBudget {
  readonly maxBytes: number;
  /** The body of `res`, counted against the limit; throws `DiffTooLargeError` past it. */
  read(res: Response): Promise<Uint8Array>;
  /** {@link DiffBudget.read} as UTF-8 text. */
  text(res: Response): Promise<string>;
  /** Counts `bytes` read some other way; throws `DiffTooLargeError` past the limit. */
  charge(bytes: number): void;
}

/**
 * A fresh budget of `maxBytes` for one diff.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { diffBudget } from "./bounded_body.ts";
 *
 * const budget = diffBudget(6);
 * assert.equal(await budget.text(new Response("page")), "page");
 * // The second page passes what is left (2 bytes): the diff as a whole is too large.
 * await assert.rejects(budget.text(new Response("page")), { name: "DiffTooLargeError" });
 * ```
 */
export function diffBudget(maxBytes: number = DEFAULT_MAX_DIFF_BYTES): DiffBudget {
  let left = maxBytes;
  const charge = (bytes: number) => {
    left -= bytes;
    if (left < 0) throw new DiffTooLargeError(maxBytes);
  };
  const read = async (res: Response) => {
    const bytes = await readBoundedBytes(res, Math.max(0, left));
    if (bytes === null) throw new DiffTooLargeError(maxBytes);
    charge(bytes.length);
    return bytes;
  };
  return {
    maxBytes,
    read,
    text: async (res) => new TextDecoder().decode(await read(res)),
    charge,
  };
}
