/**
 * The inputs a review's jobs share, stored once on the review row: the diff, the resolved config,
 * the prompt templates and the team's instruction files. Each pipeline and the publish job rebuild the same plan from them
 * (planning is pure and takes milliseconds), so no job depends on another's memory.
 * @module
 */
import type { FileContext } from "../../context/mod.ts";
import { type DiffFile, parseDiff } from "../../diff/mod.ts";
import type { RepoConfig } from "../../repo_config/mod.ts";
import type { ReviewStore } from "../../store/mod.ts";
import { type ChangeContext, planReview, type ReviewPlan } from "../plan.ts";
import type { InstructionFile } from "../team_rules.ts";
import type { ReviewLife } from "./incremental.ts";

/** See the module doc. */
export interface ReviewInputs {
  /** What the model reviews: the pull request's diff, or an incremental review's push diff. */
  diff: string;
  /** An incremental review's pull request diff, which findings are anchored on. */
  prDiff?: string;
  /** Where the review stands in the pull request's life; absent on reviews stored before it. */
  life?: ReviewLife;
  config: RepoConfig;
  templates: Record<string, string>;
  /** The team's instruction files read from the base branch, as sent; absent when none. */
  instructions?: InstructionFile[];
  /** What the server's caps changed in the config, for the summary; absent when nothing. */
  notes?: string[];
  /** The summary's line saying Loom paused itself after this review; absent when it did not. */
  paused?: string;
  /** The summary's line saying a budget is spent and which model the review ran on instead. */
  budget?: string;
  change: ChangeContext;
  /** The code around the reviewed diff's hunks (`review.context`); absent: the diff alone. */
  context?: FileContext[];
}

/** The inputs and the plan of review `reviewId`; throws when the review has none. */
export async function loadReviewPlan(
  store: ReviewStore,
  reviewId: number,
): Promise<{ inputs: ReviewInputs; plan: ReviewPlan }> {
  // Written by the review job from this very type: the store trusts its own JSON.
  const inputs = await store.loadReviewInputs(reviewId) as ReviewInputs | null;
  if (!inputs) throw new Error(`review ${reviewId} has no stored inputs`);
  return { inputs, plan: planReview(inputs) };
}

/** How many pipeline runs review `plan` waits for before it is published. */
export function expectedRuns(plan: ReviewPlan): number {
  return plan.skippedReason ? 0 : plan.pipelines.length;
}

/**
 * The files findings are anchored on: the pull request's whole diff, which is the planned diff
 * unless the review is incremental.
 */
export function anchorFiles(inputs: ReviewInputs, plan: ReviewPlan): DiffFile[] {
  return inputs.prDiff === undefined ? plan.files : parseDiff(inputs.prDiff);
}
