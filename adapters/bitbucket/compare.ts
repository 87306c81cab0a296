/**
 * How two commits relate on Bitbucket Cloud, and the diff between them: `GET
 * /repositories/{ws}/{repo}/merge-base/{from}..{to}` for their common ancestor, and `GET
 * /repositories/{ws}/{repo}/diff/{to}..{from}?topic=false` for the two-dot diff (Bitbucket's
 * spec names the source, then the destination it is compared against: git's order reversed).
 * @module
 */

import { z } from "zod";
import type { BitbucketApi } from "./api.ts";
import { comparableHash } from "./_hash.ts";
import { diffBudget } from "../_shared/mod.ts";
import type { CommitComparison, RepoRef } from "../../src/platform/mod.ts";

/** What {@link compareCommits} calls through. */
export interface BitbucketCompareDeps {
  api: BitbucketApi;
  /** `/repositories/{workspace}/{repo_slug}`. */
  repoPath(fullName: string): string;
  /** `LOOM_MAX_DIFF_BYTES`; 5 MiB when not given. */
  maxDiffBytes?: number;
}

/**
 * `from` against `to`: `from` is an ancestor exactly when it is their merge base. The merge
 * base is named as the adapter names every commit, by its first 12 characters (as
 * `PullRequest.headSha` is), so that it compares equal to the shas Loom already holds. A commit
 * Bitbucket does not know (or, as it answers alike, histories with nothing in common) is its
 * 404, a permanent error. The diff is read within the diff's byte limit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createBitbucketApi } from "./api.ts";
 * import { compareCommits } from "./compare.ts";
 *
 * const seen: string[] = [];
 * const api = createBitbucketApi({
 *   apiUrl: "https://api.bitbucket.org/2.0",
 *   authorization: "Bearer t0ken",
 *   now: Date.now,
 *   fetch: async (input) => {
 *     seen.push(new Request(input).url);
 *     return Response.json({ type: "commit", hash: "a".repeat(40) });
 *   },
 * });
 * const deps = { api, repoPath: (name: string) => `/repositories/${name}` };
 * const repo = { platform: "bitbucket", fullName: "ws/app" };
 * const found = await compareCommits(deps, repo, "a".repeat(40), "b".repeat(40), { diff: false });
 * assert.deepEqual(found, { fromIsAncestor: true, mergeBase: "a".repeat(12), diff: "" });
 * assert.equal(
 *   seen[0],
 *   `https://api.bitbucket.org/2.0/repositories/ws/app/merge-base/${"a".repeat(40)}..${"b".repeat(40)}`,
 * );
 * ```
 */
export async function compareCommits(
  deps: BitbucketCompareDeps,
  repo: RepoRef,
  from: string,
  to: string,
  options: { diff?: boolean } = {},
): Promise<CommitComparison> {
  const { api } = deps;
  const path = deps.repoPath(repo.fullName);
  const notFound = `Bitbucket does not know commit ${from} or ${to} in ${repo.fullName} ` +
    `(or they share no history)`;
  const found = await api.json({
    path: `${path}/merge-base/${encodeURIComponent(from)}..${encodeURIComponent(to)}`,
    notFound,
  }, z.object({ hash: z.string().min(7) }));
  const mergeBase = comparableHash(found.hash);
  const fromIsAncestor = mergeBase === comparableHash(from);
  if (options.diff === false) return { fromIsAncestor, mergeBase, diff: "" };
  const diff = await api.text({
    path: `${path}/diff/${encodeURIComponent(to)}..${encodeURIComponent(from)}`,
    query: { topic: "false" },
    accept: "text/plain",
    notFound,
  }, diffBudget(deps.maxDiffBytes));
  return { fromIsAncestor, mergeBase, diff };
}
