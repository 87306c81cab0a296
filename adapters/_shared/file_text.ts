/**
 * Reading a file through a platform's API, where 404 means the file is not there.
 * @module
 */

import { PlatformError } from "../../src/platform/mod.ts";
import { readBoundedBytes } from "./bounded_body.ts";

/**
 * Most bytes of a repository file Loom reads (its config, prompts, the team's instruction
 * files): the base branch's writers choose these files, but a file of any size must not cost
 * the server its size in memory. Each use cuts far lower (instruction files at 32 KiB).
 */
export const MAX_REPO_FILE_BYTES = 1024 * 1024;

/**
 * The text of a file read whose 404 the caller expected: null for a 404 (no such file at that
 * ref, which is an answer, not a failure), else the body. The 404's body is discarded so that
 * its connection is freed. A body over {@link MAX_REPO_FILE_BYTES} is not read on: a permanent
 * {@link PlatformError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileText } from "./file_text.ts";
 *
 * assert.equal(await fileText(new Response("reviews: []\n")), "reviews: []\n");
 * assert.equal(await fileText(new Response("Not Found", { status: 404 })), null);
 * await assert.rejects(fileText(new Response("x".repeat(2 * 1024 * 1024))), /larger than 1 MiB/);
 * ```
 */
export async function fileText(res: Response): Promise<string | null> {
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  return new TextDecoder().decode(await boundedFile(res));
}

/** The bytes of a file's body, refused past {@link MAX_REPO_FILE_BYTES}. */
export async function boundedFile(res: Response): Promise<Uint8Array> {
  const bytes = await readBoundedBytes(res, MAX_REPO_FILE_BYTES);
  if (bytes !== null) return bytes;
  throw new PlatformError(
    `the file is larger than ${MAX_REPO_FILE_BYTES / 1024 / 1024} MiB, the most Loom reads`,
    { status: res.status, retryable: false },
  );
}
