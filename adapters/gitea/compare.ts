/**
 * How two commits relate on Gitea and Forgejo, and the diff between them. Their API compares
 * two refs (`GET /repos/{o}/{r}/compare/{base}...{head}`) but answers only the commits `head`
 * has and `base` lacks, with the paths each changed: no status, no merge base, no diff. So
 * ancestry is read from the other direction (`from` is an ancestor of `to` exactly when `to`
 * lacks none of `from`'s commits), and the diff is built file by file, as for Azure DevOps, from
 * both sides' text of every path either side changed.
 * @module
 */

import { z } from "zod";
import type { GiteaApi, GiteaRequest } from "./api.ts";
import { type DiffBudget, diffBudget, fileDiff, mapLimit } from "../_shared/mod.ts";
import type { CommitComparison, RepoRef } from "../../src/platform/mod.ts";

/** What {@link compareCommits} calls through. */
export interface GiteaCompareDeps {
  api: GiteaApi;
  /** A call below the repository's path (`/repos/{o}/{r}` + `suffix`). */
  repoCall(repo: RepoRef, suffix: string, extra: Partial<GiteaRequest>): GiteaRequest;
  /** `LOOM_MAX_DIFF_BYTES`; 5 MiB when not given. */
  maxDiffBytes?: number;
  /** Files read at once while building the diff; 6 by default. */
  concurrency?: number;
}

/**
 * `from` against `to`. `compare/{to}...{from}` lists `from`'s commits that `to` lacks: none
 * means `from` is an ancestor (and the merge base); otherwise the merge base is the one parent
 * of those commits outside them, where there is exactly one (null when the histories are
 * unrelated or meet at several commits). The diff reads the paths `compare/{from}...{to}`
 * lists too, then both sides of each path from `/raw/{path}?ref=`, every byte within the diff's
 * byte limit. A commit the instance does not know is its 404, a permanent error. Comparing
 * commit shas through the API needs a Gitea with go-gitea/gitea#31838 fixed (1.22.1 compared
 * only branches and tags, and answers 404).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGiteaApi } from "./api.ts";
 * import { compareCommits } from "./compare.ts";
 *
 * const seen: string[] = [];
 * const api = createGiteaApi({
 *   url: "https://git.example.com",
 *   token: "t0ken",
 *   now: Date.now,
 *   fetch: async (input) => {
 *     seen.push(new Request(input).url);
 *     return Response.json({ total_commits: 0, commits: [] });
 *   },
 * });
 * const repoCall = (_repo: unknown, suffix: string, extra: object) => ({
 *   path: `/repos/octo/app${suffix}`,
 *   ...extra,
 * });
 * const repo = { platform: "gitea", fullName: "octo/app" };
 * const found = await compareCommits({ api, repoCall }, repo, "aaa", "bbb", { diff: false });
 * assert.deepEqual(found, { fromIsAncestor: true, mergeBase: "aaa", diff: "" });
 * assert.deepEqual(seen, [
 *   "https://git.example.com/api/v1/repos/octo/app/compare/bbb...aaa?files=false&verification=false",
 * ]);
 * ```
 */
export async function compareCommits(
  deps: GiteaCompareDeps,
  repo: RepoRef,
  from: string,
  to: string,
  options: { diff?: boolean } = {},
): Promise<CommitComparison> {
  const wantDiff = options.diff !== false;
  const budget = diffBudget(deps.maxDiffBytes);
  const notFound = `Gitea does not know commit ${from} or ${to} in ${repo.fullName}`;
  const lacking = async (base: string, head: string) => {
    const call = deps.repoCall(
      repo,
      `/compare/${encodeURIComponent(base)}...${encodeURIComponent(head)}`,
      { query: { files: String(wantDiff), verification: "false" }, notFound },
    );
    return (await deps.api.read(await deps.api.request(call), call, comparison, budget)).commits;
  };

  const onlyFrom = await lacking(to, from);
  const fromIsAncestor = onlyFrom.length === 0;
  const mergeBase = fromIsAncestor ? from : forkPoint(onlyFrom);
  if (!wantDiff) return { fromIsAncestor, mergeBase, diff: "" };

  const onlyTo = await lacking(from, to);
  const paths = [
    ...new Set([...onlyFrom, ...onlyTo].flatMap((c) => (c.files ?? []).map((f) => f.filename))),
  ].sort();
  const read = (path: string, ref: string) => rawFile(deps, repo, path, ref, budget);
  const diffs = await mapLimit(paths, deps.concurrency ?? 6, async (path) => {
    const [oldContent, newContent] = await Promise.all([read(path, from), read(path, to)]);
    return await fileDiff({
      oldPath: oldContent === null ? null : path,
      newPath: newContent === null ? null : path,
      oldContent,
      newContent,
    });
  });
  return { fromIsAncestor, mergeBase, diff: diffs.join("") };
}

/** The single parent of `commits` that is not among them, or null. */
function forkPoint(commits: Commit[]): string | null {
  const listed = new Set(commits.map((c) => c.sha));
  const outside = new Set(
    commits.flatMap((c) => (c.parents ?? []).map((p) => p.sha)).filter((sha) => !listed.has(sha)),
  );
  return outside.size === 1 ? [...outside][0] : null;
}

/** A file's bytes at `ref`, counted against `budget`; null where it does not exist. */
async function rawFile(
  deps: GiteaCompareDeps,
  repo: RepoRef,
  path: string,
  ref: string,
  budget: DiffBudget,
): Promise<Uint8Array | null> {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  const res = await deps.api.request(deps.repoCall(repo, `/raw/${encoded}`, {
    query: { ref },
    accept: "*/*",
    expect: [404],
  }));
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  return await budget.read(res);
}

const commit = z.object({
  sha: z.string(),
  parents: z.array(z.object({ sha: z.string() })).nullish(),
  files: z.array(z.object({ filename: z.string(), status: z.string() })).nullish(),
});
type Commit = z.infer<typeof commit>;

const comparison = z.object({ commits: z.array(commit).nullish().transform((c) => c ?? []) });
