/**
 * How two commits relate on GitHub, and the diff between them: `GET
 * /repos/{o}/{r}/compare/{from}...{to}` (its `status` and `merge_base_commit`), then the same URL
 * as `application/vnd.github.diff`, or its `files` when GitHub refuses the diff as too large.
 * @module
 */

import { z } from "zod";
import { diffFromFiles } from "./_files_diff.ts";
import type { GithubApi, GithubRequest } from "./api.ts";
import { diffBudget } from "../_shared/mod.ts";
import type { CommitComparison, RepoRef } from "../../src/platform/mod.ts";

/** What {@link compareCommits} calls through. */
export interface GithubCompareDeps {
  api: GithubApi;
  /** A call below the repository's path (`/repos/{o}/{r}` + `suffix`). */
  repoCall(repo: RepoRef, suffix: string, extra: Partial<GithubRequest>): GithubRequest;
  /** `LOOM_MAX_DIFF_BYTES`; 5 MiB when not given. */
  maxDiffBytes?: number;
}

/**
 * `from` against `to`. GitHub's `status` is `identical` or `ahead` exactly when `from` is
 * reachable from `to` (`behind` and `diverged` otherwise). GitHub compares three-dot only (the
 * REST API has no two-dot form), so the diff runs from the merge base to `to`: the same as
 * `from..to` whenever `from` is an ancestor, the only case an incremental review reads it. The
 * comparison's JSON carries its files' patches, so it is read within the diff's byte limit too
 * (`per_page=1` keeps its list of commits to one). A commit GitHub does not know is its 404.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGithubApi } from "./api.ts";
 * import { compareCommits } from "./compare.ts";
 *
 * const seen: string[] = [];
 * const api = createGithubApi({
 *   apiUrl: "https://api.github.com",
 *   now: Date.now,
 *   authorization: () => Promise.resolve("Bearer t"),
 *   fetch: async (input) => {
 *     seen.push(new Request(input).url);
 *     return Response.json({ status: "ahead", merge_base_commit: { sha: "aaa" }, files: [] });
 *   },
 * });
 * const repoCall = (_repo: unknown, suffix: string, extra: object) => ({
 *   path: `/repos/octo/app${suffix}`,
 *   ...extra,
 * });
 * const repo = { platform: "github", fullName: "octo/app" };
 * const found = await compareCommits({ api, repoCall }, repo, "aaa", "bbb", { diff: false });
 * assert.deepEqual(found, { fromIsAncestor: true, mergeBase: "aaa", diff: "" });
 * assert.deepEqual(seen, ["https://api.github.com/repos/octo/app/compare/aaa...bbb?per_page=1"]);
 * ```
 */
export async function compareCommits(
  deps: GithubCompareDeps,
  repo: RepoRef,
  from: string,
  to: string,
  options: { diff?: boolean } = {},
): Promise<CommitComparison> {
  const { api } = deps;
  const suffix = `/compare/${encodeURIComponent(from)}...${encodeURIComponent(to)}`;
  const notFound = `GitHub does not know commit ${from} or ${to} in ${repo.fullName} ` +
    `(or they share no history)`;
  const call = deps.repoCall(repo, suffix, { query: { per_page: 1 }, notFound });
  const found = await api.read(
    await api.request(call),
    call,
    comparison,
    diffBudget(deps.maxDiffBytes),
  );
  const fromIsAncestor = found.status === "ahead" || found.status === "identical";
  const mergeBase = found.merge_base_commit?.sha ?? null;
  if (options.diff === false) return { fromIsAncestor, mergeBase, diff: "" };

  const budget = diffBudget(deps.maxDiffBytes);
  const res = await api.request(deps.repoCall(repo, suffix, {
    accept: "application/vnd.github.diff",
    expect: [406],
    notFound,
  }));
  if (res.status !== 406) return { fromIsAncestor, mergeBase, diff: await budget.text(res) };
  await res.body?.cancel();
  // Past 300 files or 20,000 lines GitHub refuses the diff; the files' patches still tell it.
  return { fromIsAncestor, mergeBase, diff: diffFromFiles(found.files ?? []) };
}

const comparison = z.object({
  status: z.enum(["diverged", "ahead", "behind", "identical"]),
  merge_base_commit: z.object({ sha: z.string() }).nullish(),
  files: z.array(z.object({
    filename: z.string(),
    status: z.string(),
    previous_filename: z.string().optional(),
    patch: z.string().optional(),
    changes: z.number().optional(),
  })).nullish(),
});
