/**
 * How two commits relate on GitLab, and the diff between them: `GET
 * /projects/:id/repository/merge_base?refs[]=&refs[]=` for their common ancestor, and `GET
 * /projects/:id/repository/compare?from=&to=&straight=true` for the two-dot diff.
 * @module
 */

import { z } from "zod";
import { diffFromGitlabDiffs } from "./_diff.ts";
import { diffEntry, type GitlabApi, type GitlabRequest } from "./api.ts";
import { diffBudget } from "../_shared/mod.ts";
import { type CommitComparison, PlatformError, type RepoRef } from "../../src/platform/mod.ts";

/** What {@link compareCommits} calls through. */
export interface GitlabCompareDeps {
  api: GitlabApi;
  /** `/projects/<id or encoded path>`. */
  projectPath(repo: RepoRef): string;
  /** `LOOM_MAX_DIFF_BYTES`; 5 MiB when not given. */
  maxDiffBytes?: number;
}

/**
 * `from` against `to`: `from` is an ancestor exactly when it is their merge base. GitLab answers
 * 400 "Could not find ref" for a commit it does not know (a permanent error) and 404 "Merge Base
 * Not Found" for histories with nothing in common (no ancestor, no merge base). The diff is the
 * comparison's `diffs` with `straight=true` (`from..to`), read within the diff's byte limit and
 * written as git writes it; files GitLab leaves out as too large come as binary, with no lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGitlabApi } from "./api.ts";
 * import { compareCommits } from "./compare.ts";
 *
 * const seen: string[] = [];
 * const api = createGitlabApi({
 *   url: "https://gitlab.example.com",
 *   token: "glpat-example",
 *   now: Date.now,
 *   fetch: async (input) => {
 *     seen.push(new Request(input).url);
 *     return Response.json({ id: "aaa" });
 *   },
 * });
 * const deps = { api, projectPath: () => "/projects/14" };
 * const repo = { platform: "gitlab", fullName: "group/app" };
 * const found = await compareCommits(deps, repo, "aaa", "bbb", { diff: false });
 * assert.deepEqual(found, { fromIsAncestor: true, mergeBase: "aaa", diff: "" });
 * assert.equal(
 *   seen[0],
 *   "https://gitlab.example.com/api/v4/projects/14/repository/merge_base?refs%5B%5D=aaa&refs%5B%5D=bbb",
 * );
 * ```
 */
export async function compareCommits(
  deps: GitlabCompareDeps,
  repo: RepoRef,
  from: string,
  to: string,
  options: { diff?: boolean } = {},
): Promise<CommitComparison> {
  const { api } = deps;
  const project = deps.projectPath(repo);
  const refs = new URLSearchParams([["refs[]", from], ["refs[]", to]]);
  const mergeBase = await mergeBaseOf(api, {
    path: `${project}/repository/merge_base?${refs}`,
    expect: [404],
  });
  const fromIsAncestor = mergeBase !== null && mergeBase.toLowerCase() === from.toLowerCase();
  if (options.diff === false) return { fromIsAncestor, mergeBase, diff: "" };

  const call: GitlabRequest = {
    path: `${project}/repository/compare`,
    query: { from, to, straight: "true" },
    notFound: `GitLab does not know commit ${from} or ${to} in ${repo.fullName}`,
  };
  const found = await api.read(
    await api.request(call),
    call,
    z.object({ diffs: z.array(diffEntry) }),
    diffBudget(deps.maxDiffBytes),
  );
  return { fromIsAncestor, mergeBase, diff: diffFromGitlabDiffs(found.diffs) };
}

/** The merge base's sha; null for GitLab's 404 "Merge Base Not Found" alone. */
async function mergeBaseOf(api: GitlabApi, call: GitlabRequest): Promise<string | null> {
  const res = await api.request(call);
  if (res.status !== 404) return (await api.read(res, call, z.object({ id: z.string() }))).id;
  const body = await res.text();
  if (/Merge Base/i.test(body)) return null;
  // Any other 404 (the project) is the failure it says.
  throw new PlatformError(`GitLab answered 404 (${body.slice(0, 200)}) on ${api.describe(call)}`, {
    status: 404,
    retryable: false,
  });
}
