/**
 * Which file paths a repository config may make the server read from the repository (prompts,
 * the team's instruction files): the config comes from the repository under review, so a path
 * must not be able to reach outside it or play tricks on a platform's file API.
 * @module
 */

const SAFE_PATH = /^[A-Za-z0-9._\-/]+$/;

/**
 * Whether `path` is a plain relative path inside the repository: only letters, digits, `.`,
 * `_`, `-` and `/`, and no empty, `.` or `..` segment. That rules out absolute paths, `..`
 * escapes, backslash and percent-encoding tricks in one rule.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSafeRepoPath } from "./safe_repo_path.ts";
 *
 * assert.equal(isSafeRepoPath("docs/REVIEW.md"), true);
 * assert.equal(isSafeRepoPath("../secrets"), false);
 * assert.equal(isSafeRepoPath("/etc/passwd"), false);
 * assert.equal(isSafeRepoPath("a/%2e%2e/b"), false);
 * ```
 */
export function isSafeRepoPath(path: string): boolean {
  return SAFE_PATH.test(path) &&
    path.split("/").every((s) => s !== "" && s !== "." && s !== "..");
}
