/**
 * A repository's two-part name (`owner/name`, `workspace/repo_slug`, `project/repository`) as
 * the segments of an API path.
 * @module
 */

import { PlatformError } from "../../src/platform/mod.ts";
import { isRepoPath } from "./webhook_payload.ts";

/**
 * The two parts of `fullName`, each URL-encoded for a path. A name without exactly two
 * non-empty parts, or with a `.` or `..` part or a path trick ({@link isRepoPath}), is a permanent {@link PlatformError} naming `what` it should have been: no
 * repository has it, and a call with it would go to some other path.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { repoSegments } from "./repo_path.ts";
 *
 * assert.deepEqual(repoSegments("octo/my app", "a GitHub owner/name"), ["octo", "my%20app"]);
 * assert.throws(
 *   () => repoSegments("octo", "a GitHub owner/name"),
 *   { name: "PlatformError", message: '"octo" is not a GitHub owner/name' },
 * );
 * assert.throws(() => repoSegments("octo/..", "a GitHub owner/name"), { name: "PlatformError" });
 * ```
 */
export function repoSegments(fullName: string, what: string): [string, string] {
  const parts = fullName.split("/");
  if (parts.length !== 2 || !parts[0] || !parts[1] || !isRepoPath(fullName)) {
    throw new PlatformError(`"${fullName}" is not ${what}`, { status: 0, retryable: false });
  }
  return [encodeURIComponent(parts[0]), encodeURIComponent(parts[1])];
}
