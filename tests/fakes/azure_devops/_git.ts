/**
 * Feeds the fake Azure DevOps from a real git repository, so that tests check the diff Loom
 * builds from Azure's file versions against the diff git itself shows.
 * @module
 */

import type { GitRepo } from "../../git_repo.ts";
import type { FakeAzureDevops, FakePullRequestInput } from "./server.ts";

/** Every file of `rev`'s tree, by path, as bytes. */
export async function treeAt(git: GitRepo, rev: string): Promise<Record<string, Uint8Array>> {
  const listing = new TextDecoder().decode(await git.gitBytes("ls-tree", "-r", "-z", rev));
  const tree: Record<string, Uint8Array> = {};
  for (const entry of listing.split("\0").filter(Boolean)) {
    const tab = entry.indexOf("\t");
    const [, type, object] = entry.slice(0, tab).split(" ");
    if (type === "blob") {
      tree[entry.slice(tab + 1)] = await git.gitBytes("cat-file", "blob", object);
    }
  }
  return tree;
}

/** What {@link pullRequestFromGit} and {@link pushFromGit} seeded. */
export interface SeededFromGit {
  headSha: string;
  targetSha: string;
  mergeBase: string;
  /** `git diff mergeBase head`: what Azure DevOps shows, and what Loom's diff must match. */
  diff: string;
}

/**
 * Adds the commits of `base` (the target branch) and `head` (the source branch) to the fake and
 * opens a pull request between them, with git's diff for checking anchors.
 */
export async function pullRequestFromGit(
  azure: FakeAzureDevops,
  git: GitRepo,
  input: Omit<FakePullRequestInput, "sourceCommit" | "targetCommit" | "mergeBase" | "diff"> & {
    base: string;
    head: string;
  },
): Promise<SeededFromGit> {
  const seeded = await commitsFromGit(azure, git, input.repo, input.base, input.head);
  const { base: _base, head: _head, ...rest } = input;
  azure.addPullRequest({
    ...rest,
    sourceCommit: seeded.headSha,
    targetCommit: seeded.targetSha,
    mergeBase: seeded.mergeBase,
    diff: seeded.diff,
  });
  return seeded;
}

/** A push of `head` to the pull request: its commits, then a new iteration. */
export async function pushFromGit(
  azure: FakeAzureDevops,
  git: GitRepo,
  input: { repo: string; number: number; base: string; head: string },
): Promise<SeededFromGit> {
  const seeded = await commitsFromGit(azure, git, input.repo, input.base, input.head);
  azure.push(input.repo, input.number, {
    sourceCommit: seeded.headSha,
    targetCommit: seeded.targetSha,
    mergeBase: seeded.mergeBase,
    diff: seeded.diff,
  });
  return seeded;
}

async function commitsFromGit(
  azure: FakeAzureDevops,
  git: GitRepo,
  repo: string,
  base: string,
  head: string,
): Promise<SeededFromGit> {
  const rev = async (ref: string) => (await git.git("rev-parse", ref)).trim();
  const headSha = await rev(head);
  const targetSha = await rev(base);
  const mergeBase = (await git.git("merge-base", base, head)).trim();
  for (const sha of new Set([headSha, targetSha, mergeBase])) {
    azure.addCommit(repo, sha, await treeAt(git, sha));
  }
  const diff = await git.git("diff", mergeBase, headSha);
  return { headSha, targetSha, mergeBase, diff };
}
