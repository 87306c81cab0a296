/**
 * Loom's own identity on a platform (the user, bot or App it authenticates as), asked of the
 * platform's "who am I" endpoint once and kept: Loom tells its own comments from a commenter's by
 * their author, never by a marker alone, since anyone can type a marker.
 * @module
 */

/**
 * `ask` called once, its answer kept for every later call; concurrent callers share one request,
 * and a failed one (a 5xx, a network error) is asked again on the next call rather than kept.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cachedIdentity } from "./identity.ts";
 *
 * let asked = 0;
 * const me = cachedIdentity(() => Promise.resolve(`loom-${++asked}`));
 * assert.equal(await me(), "loom-1");
 * assert.equal(await me(), "loom-1");
 * assert.equal(asked, 1);
 * ```
 */
export function cachedIdentity<T>(ask: () => Promise<T>): () => Promise<T> {
  let known: Promise<T> | null = null;
  return () => {
    known ??= ask().catch((error) => {
      known = null;
      throw error;
    });
    return known;
  };
}
