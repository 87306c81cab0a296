/**
 * DedupeKeyHeldError: a retry refused because a newer active job holds the retried job's dedupe
 * key (one queued or running job per key).
 * @module
 */

/**
 * Thrown by `retry` when job `jobId`'s dedupe key `key` is held by active job `heldBy`: reviving
 * it would run the same work twice, and the key's unique index would refuse the row anyway. The
 * admin API answers 409 with it and `loom jobs retry` exits 1; retry again once `heldBy` has ended.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DedupeKeyHeldError } from "./dedupe_key_held.ts";
 *
 * const error = new DedupeKeyHeldError(3, "pr-42", 9, "queued");
 * assert.match(error.message, /job 3 .* held by job 9 \(queued\)/);
 * ```
 */
export class DedupeKeyHeldError extends Error {
  constructor(
    readonly jobId: number,
    readonly key: string,
    readonly heldBy: number,
    readonly heldByStatus: string,
  ) {
    super(
      `job ${jobId} cannot be retried: its dedupe key ${JSON.stringify(key)} is held by job ` +
        `${heldBy} (${heldByStatus}); retry it once job ${heldBy} has ended`,
    );
    this.name = "DedupeKeyHeldError";
  }
}
