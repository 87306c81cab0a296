/**
 * Incremental reviews: which range of commits a review sends the model. After a completed review
 * the next push is reviewed incrementally: the model gets only the diff from the last reviewed
 * head to the new head, limited to files the pull request changes (findings are still anchored on
 * the pull request's whole diff). The review is a full one instead when
 *
 * - `/loom full-review` asked for it, or `review.incremental` is false;
 * - history was rewritten (force push, rebase): the last reviewed head is not an ancestor of the
 *   new one, or the platform no longer has it;
 * - the change's merge base moved (the base branch was merged into the pull request): the push's
 *   diff would carry the base branch's changes. The merge base is asked of the platform
 *   (`compareCommits(baseSha, headSha).mergeBase`) rather than read from `baseSha`, which on most
 *   platforms is the base branch's tip and moves with every merge to it, merge base or not;
 * - the config or a prompt changed on the base branch (the whole change deserves the new reviewer);
 * - the push's own diff cannot be read (past `LOOM_MAX_DIFF_BYTES`) or the platform cannot compare.
 *
 * Whatever the mode, the push's diff is kept when the old head is an ancestor: it says which
 * lines of open findings the push touched (`finding_states.ts`).
 * @module
 */
import { createHash } from "node:crypto";
import { onlyFiles, parseDiff } from "../../diff/mod.ts";
import type { InstructionFile } from "../team_rules.ts";
import {
  type CommitComparison,
  DiffTooLargeError,
  type GitAdapter,
  PlatformError,
  type PullRequest,
  type RepoRef,
} from "../../platform/mod.ts";
import type { RepoConfig } from "../../repo_config/mod.ts";
import type { ReviewStore } from "../../store/mod.ts";
import { aboveMaxChanges } from "../plan.ts";
import { countChanges } from "../select.ts";

/** What a review knows of its place in the pull request's life, stored with its inputs. */
export interface ReviewLife {
  /** `incremental`: the review's diff is the push's; `full`: the pull request's. */
  mode: "incremental" | "full";
  /** Why the review is full although an earlier review exists; absent otherwise. */
  fullReason?: string;
  /** The head the last completed review reviewed: the start of the range. */
  from?: string;
  /** The last completed review, which the summary links (by its head commit). */
  previous?: { reviewId: number; headSha: string };
  /**
   * The diff from `from` to the head, limited to the pull request's files, when `from` is an
   * ancestor of the head; how the push moved or touched open findings.
   */
  pushDiff?: string;
  /** The change's merge base now, where the platform told it. */
  mergeBase: string | null;
  /** {@link configFingerprint} of what this review was configured with. */
  configFingerprint: string;
}

const FULL_ASKED = "asked for by /loom full-review";

/** What {@link reviewRange} decided: the review's life, and the diff the model is sent. */
export interface ReviewRange {
  life: ReviewLife;
  /** The diff to plan the review on: the push's (incremental) or the pull request's. */
  diff: string;
  /**
   * Why an incremental review is not run: the pull request's whole diff is above
   * `triggers.max_changes` (a full review's plan says so itself).
   */
  skippedReason?: string;
}

/**
 * A fingerprint of the config, prompts and instruction files a review runs with: when it changes
 * on the base branch, the next review is a full one.
 */
export function configFingerprint(
  config: RepoConfig,
  templates: Record<string, string>,
  instructions: readonly InstructionFile[] = [],
): string {
  const prompts = Object.keys(templates).sort().map((name) => [name, templates[name]]);
  return createHash("sha256").update(JSON.stringify({ config, prompts, instructions }))
    .digest("hex");
}

/**
 * Decides the range pull request `pr` is reviewed on (see the module doc). `prDiff` is its whole
 * diff, already read; `full` is a `/loom full-review`.
 */
export async function reviewRange(
  store: ReviewStore,
  adapter: GitAdapter,
  repo: RepoRef,
  pr: PullRequest,
  options: { prDiff: string; config: RepoConfig; full: boolean },
  fingerprint: string,
): Promise<ReviewRange> {
  const { prDiff } = options;
  const mergeBase = await mergeBaseOf(adapter, repo, pr);
  const full = (fullReason?: string, extra: Partial<ReviewLife> = {}): ReviewRange => ({
    life: {
      mode: "full",
      ...(fullReason ? { fullReason } : {}),
      mergeBase,
      configFingerprint: fingerprint,
      ...extra,
    },
    diff: prDiff,
  });
  const last = await store.getReviewState(repo, pr.number);
  if (!last) return full();
  const seen = {
    from: last.headSha,
    previous: { reviewId: last.reviewId, headSha: last.headSha },
  };
  if (last.headSha === pr.headSha) {
    return full(options.full ? FULL_ASKED : "this commit was reviewed before", seen);
  }

  let comparison: CommitComparison | null = null;
  let unread: string | undefined;
  try {
    comparison = await adapter.compareCommits(repo, last.headSha, pr.headSha);
  } catch (error) {
    unread = cannotCompare(error, last.headSha);
  }
  const prFiles = parseDiff(prDiff);
  const prPaths = new Set(prFiles.flatMap((f) => f.oldPath ? [f.path, f.oldPath] : [f.path]));
  const pushDiff = comparison?.fromIsAncestor ? onlyFiles(comparison.diff, prPaths) : undefined;
  const known = { ...seen, ...(pushDiff !== undefined ? { pushDiff } : {}) };
  const short = (sha: string) => sha.slice(0, 7);
  const reason = options.full
    ? FULL_ASKED
    : !options.config.review.incremental
    ? "review.incremental is false"
    : unread ??
      (!comparison?.fromIsAncestor
        ? `history was rewritten: ${short(last.headSha)} is not an ancestor of ` +
          `${short(pr.headSha)} (force push or rebase)`
        : fingerprint !== last.configFingerprint
        ? `the config or a prompt changed on ${pr.baseRef}`
        : mergeBase === null
        ? "the platform did not tell the merge base"
        : mergeBase !== last.mergeBase
        ? `the merge base moved (${pr.baseRef} was merged in)`
        : undefined);
  if (reason !== undefined || pushDiff === undefined) return full(reason, known);
  const tooMany = aboveMaxChanges(countChanges(prFiles), options.config);
  return {
    life: { mode: "incremental", ...known, mergeBase, configFingerprint: fingerprint },
    diff: pushDiff,
    ...(tooMany ? { skippedReason: tooMany } : {}),
  };
}

/** The merge base of the change, or null where the platform cannot tell it. */
async function mergeBaseOf(adapter: GitAdapter, repo: RepoRef, pr: PullRequest) {
  try {
    return (await adapter.compareCommits(repo, pr.baseSha, pr.headSha, { diff: false }))
      .mergeBase;
  } catch (error) {
    if (refusedForGood(error) || (error instanceof PlatformError && error.status === 404)) {
      return null;
    }
    throw error;
  }
}

/** Why the push cannot be compared, for the summary; rethrows what a retry may cure. */
function cannotCompare(error: unknown, from: string): string {
  if (error instanceof DiffTooLargeError) {
    return "this push's diff is larger than this server reads (LOOM_MAX_DIFF_BYTES)";
  }
  if (refusedForGood(error)) return "the platform cannot compare commits";
  if (error instanceof PlatformError && error.status === 404) {
    return `the last reviewed commit ${from.slice(0, 7)} is gone (history rewritten)`;
  }
  throw error;
}

/**
 * The platform refused the comparison for good (an old Gitea that compares only branches, a
 * 400 or 422): the review is a full one rather than no review. A retryable error is rethrown.
 */
function refusedForGood(error: unknown): boolean {
  return error instanceof PlatformError && !error.retryable && error.status !== 404;
}
