/**
 * What every platform's `threads.ts` shares: the bounds on what a thread list reads (bytes,
 * replies, reactions, the length of a reply kept), people's replies told from Loom's own by
 * their author, and the error for a list too large to read.
 * @module
 */

import { readBoundedBytes } from "./bounded_body.ts";
import type { DiffBudget } from "./bounded_body.ts";
import { PlatformError, type ReviewThread } from "../../src/platform/mod.ts";

/**
 * The most bytes one `listThreads` reads over all its pages: far above what the threads of a
 * review hold (Loom posts at most a few dozen findings a push), far below what a hostile thread
 * of 65 KiB replies could make Loom buffer.
 */
export const MAX_THREAD_BYTES = 16 * 1024 * 1024;
/** The most replies kept per thread (GitHub's GraphQL page of a thread's comments). */
export const MAX_REPLIES = 50;
/** The most reactions kept per comment. */
export const MAX_REACTIONS = 100;
/**
 * The most characters of a reply kept: a person's verdict ("won't fix", "not an issue") is in
 * its first lines, and the rest is never shown to anyone by Loom.
 */
export const MAX_REPLY_CHARS = 4_000;

/**
 * A byte budget for one `listThreads` on `platform`, shared by every page it reads: past
 * `maxBytes` the read stops (the stream is cancelled) and a permanent {@link PlatformError}
 * says why, rather than a diff's error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { threadBudget } from "./threads.ts";
 *
 * const budget = threadBudget("GitLab", 6);
 * assert.equal(await budget.text(new Response("page")), "page");
 * await assert.rejects(budget.text(new Response("page")), {
 *   name: "PlatformError",
 *   message: /GitLab's review threads passed 6 bytes/,
 * });
 * ```
 */
export function threadBudget(platform: string, maxBytes: number = MAX_THREAD_BYTES): DiffBudget {
  let left = maxBytes;
  const tooLarge = () =>
    new PlatformError(
      `${platform}'s review threads passed ${maxBytes} bytes; not read further`,
      { status: 0, retryable: false },
    );
  const charge = (bytes: number) => {
    left -= bytes;
    if (left < 0) throw tooLarge();
  };
  const read = async (res: Response) => {
    const bytes = await readBoundedBytes(res, Math.max(0, left));
    if (bytes === null) throw tooLarge();
    charge(bytes.length);
    return bytes;
  };
  return { maxBytes, read, text: async (res) => new TextDecoder().decode(await read(res)), charge };
}

/**
 * People's replies among `comments` (oldest first): those `isLoom` says are not Loom's own, at
 * most {@link MAX_REPLIES}, each cut to {@link MAX_REPLY_CHARS}; an empty body is kept empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { personReplies } from "./threads.ts";
 *
 * const replies = personReplies([
 *   { author: "loom[bot]", body: "Fixed in abc123." },
 *   { author: "alice", body: "won't fix" },
 * ], (author) => author === "loom[bot]");
 * assert.deepEqual(replies, [{ author: "alice", body: "won't fix" }]);
 * ```
 */
export function personReplies(
  comments: { author: string | undefined | null; body: string | undefined | null }[],
  isLoom: (author: string) => boolean,
): ReviewThread["replies"] {
  const out: ReviewThread["replies"] = [];
  for (const c of comments) {
    if (out.length >= MAX_REPLIES) break;
    const author = c.author ?? "";
    if (author === "" || isLoom(author)) continue;
    out.push({ author, body: (c.body ?? "").slice(0, MAX_REPLY_CHARS) });
  }
  return out;
}
