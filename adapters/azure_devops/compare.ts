/**
 * How two commits relate on Azure DevOps, and the diff between them: `GET
 * …/diffs/commits?baseVersion={from}&targetVersion={to}&diffCommonCommit=false` (its
 * `commonCommit`, and the files that differ), then both versions of each file, diffed as
 * `fetchDiff` diffs a pull request's (Azure has no diff endpoint).
 * @module
 */

import { z } from "zod";
import type { AzureDevopsApi } from "./api.ts";
import { diffBudget, fileDiff, type FileVersions, mapLimit } from "../_shared/mod.ts";
import type { DiffBudget } from "../_shared/mod.ts";
import { type CommitComparison, PlatformError, type RepoRef } from "../../src/platform/mod.ts";

/** The paths of one changed file; null on the side where it does not exist. */
export interface ComparedPaths {
  oldPath: string | null;
  newPath: string | null;
}

/** What {@link compareCommits} calls through: the adapter's own ways of reading files. */
export interface AzureCompareDeps {
  api: AzureDevopsApi;
  /** `/{project}/_apis/git/repositories/{id or name}`. */
  repoPath(repo: RepoRef): string;
  /** The paths of a change as Azure lists it; null for folders and other non-files. */
  pathsOf(change: CommitChange): ComparedPaths | null;
  /** Both versions of a file, each side read within `budget` (and the per-file cap). */
  versionsOf(
    repo: RepoRef,
    paths: ComparedPaths,
    base: string,
    head: string,
    budget: DiffBudget,
  ): Promise<FileVersions>;
  /** `LOOM_MAX_DIFF_BYTES`; 5 MiB when not given. */
  maxDiffBytes?: number;
  /** Files read at once; 6 by default. */
  concurrency?: number;
}

// Changes come in pages; the guard is far above any push.
const CHANGES_PAGE = 2000;
const MAX_PAGES = 500;

/**
 * `from` against `to`: `from` is an ancestor exactly when it is their `commonCommit` (Azure's
 * `behindCount`, the commits of `from` that `to` lacks, is then 0). With `diffCommonCommit=false`
 * the changes are `from`'s tree against `to`'s (two-dot), paged by `$top`/`$skip`; each file's
 * two versions are read and diffed here, within the diff's byte limit. A commit Azure cannot
 * resolve is its 404 (TF401175), a permanent error; `{diff: false}` asks for one change only.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createAzureDevopsApi } from "./api.ts";
 * import { compareCommits } from "./compare.ts";
 *
 * const seen: URL[] = [];
 * const api = createAzureDevopsApi({
 *   url: "https://dev.azure.com/acme",
 *   token: "pat",
 *   now: Date.now,
 *   fetch: async (input) => {
 *     seen.push(new URL(new Request(input).url));
 *     return Response.json({ commonCommit: "aaa", aheadCount: 1, behindCount: 0, changes: [] });
 *   },
 * });
 * const deps = {
 *   api,
 *   repoPath: () => "/Web/_apis/git/repositories/app",
 *   pathsOf: () => null,
 *   versionsOf: () => Promise.reject(new Error("no file is read")),
 * };
 * const repo = { platform: "azure-devops", fullName: "Web/app" };
 * const found = await compareCommits(deps, repo, "aaa", "bbb", { diff: false });
 * assert.deepEqual(found, { fromIsAncestor: true, mergeBase: "aaa", diff: "" });
 * assert.equal(seen[0].pathname, "/acme/Web/_apis/git/repositories/app/diffs/commits");
 * assert.equal(seen[0].searchParams.get("baseVersion"), "aaa");
 * assert.equal(seen[0].searchParams.get("diffCommonCommit"), "false");
 * ```
 */
export async function compareCommits(
  deps: AzureCompareDeps,
  repo: RepoRef,
  from: string,
  to: string,
  options: { diff?: boolean } = {},
): Promise<CommitComparison> {
  const wantDiff = options.diff !== false;
  const top = wantDiff ? CHANGES_PAGE : 1;
  const page = (skip: number) =>
    deps.api.json({
      path: `${deps.repoPath(repo)}/diffs/commits`,
      query: {
        baseVersion: from,
        baseVersionType: "commit",
        targetVersion: to,
        targetVersionType: "commit",
        diffCommonCommit: "false",
        $top: top,
        $skip: skip,
      },
      notFound: `Azure DevOps cannot resolve commit ${from} or ${to} in ${repo.fullName}`,
    }, commitDiffs);

  const first = await page(0);
  const mergeBase = first.commonCommit ?? null;
  const fromIsAncestor = mergeBase !== null && mergeBase.toLowerCase() === from.toLowerCase();
  if (!wantDiff) return { fromIsAncestor, mergeBase, diff: "" };

  const changes = [...first.changes];
  for (let last = first, pages = 1; last.changes.length >= top; pages++) {
    if (pages >= MAX_PAGES) {
      throw new PlatformError(
        `Azure DevOps listed more than ${MAX_PAGES} pages of changes for ${from}..${to}`,
        { status: 0, retryable: false },
      );
    }
    last = await page(changes.length);
    changes.push(...last.changes);
  }
  const files = changes.flatMap((c) => deps.pathsOf(c) ?? []).toSorted((a, b) => {
    const [x, y] = [a.newPath ?? a.oldPath ?? "", b.newPath ?? b.oldPath ?? ""];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const budget = diffBudget(deps.maxDiffBytes);
  const diffs = await mapLimit(
    files,
    deps.concurrency ?? 6,
    async (f) => await fileDiff(await deps.versionsOf(repo, f, from, to, budget)),
  );
  return { fromIsAncestor, mergeBase, diff: diffs.join("") };
}

/**
 * One change as Azure DevOps lists it (a `GitChange`: the file, what happened to it, and a
 * rename's old path), in a commit diff here and in a pull request iteration's changes.
 */
export const gitChange = z.object({
  changeType: z.union([z.string(), z.number()]),
  item: z.object({
    path: z.string().nullish(),
    isFolder: z.boolean().nullish(),
    gitObjectType: z.string().nullish(),
  }).nullish(),
  originalPath: z.string().nullish(),
});

/** A change of a commit diff, which may name a rename's old path `sourceServerItem` instead. */
const commitChange = gitChange.extend({ sourceServerItem: z.string().nullish() })
  .transform((c) => ({ ...c, originalPath: c.originalPath ?? c.sourceServerItem }));

/** A change as {@link AzureCompareDeps.pathsOf} reads it. */
export type CommitChange = z.infer<typeof commitChange>;

const commitDiffs = z.object({
  commonCommit: z.string().nullish(),
  aheadCount: z.number().nullish(),
  behindCount: z.number().nullish(),
  changes: z.array(commitChange).nullish().transform((c) => c ?? []),
});
