/**
 * The pull request the GitHub-shaped fakes (GitHub, and Gitea, whose API copies GitHub's) seed and
 * hold: the same fields, read by the same names.
 * @module
 */

import type { CommitGraph } from "./commit_graph.ts";
import { fakeSha } from "./fake_sha.ts";

/** How a pull request is seeded; everything but `repo` has a default. */
export interface PullRequestSeed {
  /** `owner/name`; the repository is created when new. */
  repo: string;
  /** Defaults to the repository's next number. */
  number?: number;
  title?: string;
  body?: string;
  headSha?: string;
  baseSha?: string;
  headRef?: string;
  baseRef?: string;
  state?: "open" | "closed";
  merged?: boolean;
  author?: string;
  /** The unified diff the platform serves; inline comments must sit on its lines. */
  diff?: string;
  /** The names of its labels; none by default. */
  labels?: string[];
}

/**
 * How a test seeds a fake's pull requests and moves them on: the same calls on every fake that
 * takes a seed `I` and holds a `P`.
 */
export interface SeedsPullRequests<I extends { repo: string; number?: number }, P> {
  addPullRequest(input: I): P;
  /** Changes a pull request: a new `headSha` is a push (its branch moves), a state a close. */
  updatePullRequest(repo: string, number: number, changes: Partial<Omit<I, "repo" | "number">>): P;
}

/** A pull request as the fake holds it. */
export type SeededPullRequest = Required<PullRequestSeed>;

/**
 * Keeps `graph` holding the commits of `pull`: its base, and its head as a child of the head it
 * had before (`previousHead`, when the graph knows it) or of its base, so that a head set by a
 * test without a commit of its own is a push. Commits a test added itself are left as they are.
 */
export function trackCommits(
  graph: CommitGraph,
  pull: { baseSha: string; headSha: string },
  previousHead?: string,
): void {
  graph.ensure(pull.baseSha);
  graph.ensure(
    pull.headSha,
    previousHead !== undefined && graph.has(previousHead) ? previousHead : pull.baseSha,
  );
}

/**
 * Applies a test's `changes` to a held pull request (`repo#number`, which must exist), its head
 * joining the heads it had: comments may still target any of them. Returns the pull request.
 */
export function movePullRequest<P extends { headSha: string; shas: Set<string> }>(
  pull: P | undefined,
  repo: string,
  number: number,
  changes: object,
): P {
  if (!pull) throw new Error(`the fake has no pull request ${repo}#${number}`);
  for (const [k, v] of Object.entries(changes)) {
    if (v !== undefined) (pull as unknown as Record<string, unknown>)[k] = v;
  }
  pull.shas.add(pull.headSha);
  return pull;
}

/**
 * `input` as pull request `number`, its defaults filled in: made-up shas, a `feature-N` branch
 * into `main`, open, opened by `author`.
 */
export function seededPullRequest(
  input: PullRequestSeed,
  number: number,
  author: string,
): SeededPullRequest {
  return {
    repo: input.repo,
    number,
    title: input.title ?? `Pull request ${number}`,
    body: input.body ?? "",
    headSha: input.headSha ?? fakeSha(`${input.repo}#${number} head`),
    baseSha: input.baseSha ?? fakeSha(`${input.repo}#${number} base`),
    headRef: input.headRef ?? `feature-${number}`,
    baseRef: input.baseRef ?? "main",
    state: input.state ?? "open",
    merged: input.merged ?? false,
    author: input.author ?? author,
    diff: input.diff ?? "",
    labels: [...(input.labels ?? [])],
  };
}
