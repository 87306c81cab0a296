/**
 * The review store: what the review flow and `/api/reviews` keep about reviews, pipeline runs,
 * review inputs, posted comments, webhook deliveries, repositories, pull requests' pauses and
 * what each model call cost.
 * Each statement lives in its own file with its SQL in plain sight; {@link createReviewStore}
 * binds them to one database, as `src/queue/` does for jobs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { migrateToLatest, openDatabase } from "../db/mod.ts";
 * import { createReviewStore } from "./mod.ts";
 *
 * const db = await openDatabase(":memory:");
 * await migrateToLatest(db);
 * const store = createReviewStore(db);
 * const page = await store.listReviews({ limit: 10 });
 * assert.equal(page.reviews.length, 0);
 * await db.close();
 * ```
 * @module
 */
import type { Database } from "../db/mod.ts";
import { createBatcher } from "../queue/mod.ts";
import { endOrphanedReviews } from "./end_orphaned_reviews.ts";
import { endReviewsOfJobs } from "./end_reviews_of_jobs.ts";
import { countPipelineRuns } from "./count_pipeline_runs.ts";
import { countReviewedPushes } from "./count_reviewed_pushes.ts";
import { getPause } from "./get_pause.ts";
import { headReviewed } from "./head_reviewed.ts";
import { pausePullRequest } from "./pause_pull_request.ts";
import type { PullRequestRef } from "./pull_request_pause.ts";
import { resumePullRequest } from "./resume_pull_request.ts";
import { endReview, type ReviewEnd } from "./end_review.ts";
import { getReview } from "./get_review.ts";
import { type IntakeQuestion, lookUpIntakeFacts } from "./look_up_intake_facts.ts";
import { listPipelineRuns } from "./list_pipeline_runs.ts";
import { listReviewComments } from "./list_review_comments.ts";
import { listReviews, type ListReviewsOptions } from "./list_reviews.ts";
import { reviewActivity } from "./review_activity.ts";
import type { PipelineRunRecord } from "./pipeline_run.ts";
import { postedFingerprints } from "./posted_fingerprints.ts";
import { savePipelineRun } from "./save_pipeline_run.ts";
import { type DeliveryRecord, recordDeliveries } from "./record_deliveries.ts";
import {
  type CommentPlace,
  type PostedInline,
  recordInlineComments,
} from "./record_inline_comments.ts";
import { pruneClosedReviews } from "./prune_closed_reviews.ts";
import { pruneDeliveries } from "./prune_deliveries.ts";
import { pruneReviewInputs } from "./prune_review_inputs.ts";
import { recordPullRequestState } from "./record_pull_request_state.ts";
import { recordRepository } from "./record_repository.ts";
import { recordReviewCounts, type ReviewCounts } from "./record_review_counts.ts";
import { recordSummaryComment } from "./record_summary_comment.ts";
import { loadReviewInputs, saveReviewInputs } from "./review_inputs.ts";
import { type NewReview, startReview } from "./start_review.ts";
import { getReviewState } from "./get_review_state.ts";
import { saveReviewState } from "./save_review_state.ts";
import type { ReviewState } from "./review_state.ts";
import { listFindings } from "./list_findings.ts";
import { type FindingStateChange, setFindingState } from "./set_finding_state.ts";
import { type FindingPlace, moveFindings } from "./move_findings.ts";
import type { UsageRecord } from "./llm_usage.ts";
import { recordLlmUsage } from "./record_llm_usage.ts";
import { spendSince } from "./spend_since.ts";
import { usageOfReview } from "./usage_of_review.ts";
import { usageTotals, type UsageTotalsOptions } from "./usage_totals.ts";
import { listTranscripts, saveTranscripts, type TranscriptRecord } from "./review_transcripts.ts";
import {
  getRepositoryConfig,
  recordRepositoryConfig,
  type RepositoryConfigRecord,
} from "./repository_config.ts";
import { getRepository, listPausedPullRequests, listRepositories } from "./list_repositories.ts";

export type { CommentRecord } from "./list_review_comments.ts";
export type { ReviewEnd } from "./end_review.ts";
export type { DayActivity, HourActivity, ReviewActivity } from "./review_activity.ts";
export type { IntakeFacts, IntakeQuestion } from "./look_up_intake_facts.ts";
export type { ListReviewsOptions, ReviewPage } from "./list_reviews.ts";
export type { PipelineRunRecord } from "./pipeline_run.ts";
export type { PauseState, PullRequestRef } from "./pull_request_pause.ts";
export type { DeliveryRecord } from "./record_deliveries.ts";
export type { CommentPlace, PostedInline } from "./record_inline_comments.ts";
export type { PrunedReviews } from "./prune_closed_reviews.ts";
export type { ReviewCounts } from "./record_review_counts.ts";
export type { ReviewRecord } from "./review_row.ts";
export type { NewReview } from "./start_review.ts";
export type { ReviewState } from "./review_state.ts";
export type { FindingRecord } from "./list_findings.ts";
export type { FindingStateChange } from "./set_finding_state.ts";
export type { FindingPlace } from "./move_findings.ts";
export { roundUsd, utcDay } from "./llm_usage.ts";
export type { UsageRecord, UsageTotals } from "./llm_usage.ts";
export type { ReviewUsage } from "./usage_of_review.ts";
export type { UsageGroup, UsageGroupTotals, UsageTotalsOptions } from "./usage_totals.ts";
export type { TranscriptRecord } from "./review_transcripts.ts";
export { MAX_TRANSCRIPT_CALLS, MAX_TRANSCRIPT_CHARS } from "./review_transcripts.ts";
export type { RepositoryConfigRecord } from "./repository_config.ts";
export type { PausedPullRequest, RepositoryPage, RepositorySummary } from "./list_repositories.ts";

/** The review store bound to one database; see the module doc. */
export type ReviewStore = ReturnType<typeof createReviewStore>;

/**
 * Binds every review-store statement to `database`. Delivery records are group-committed:
 * deliveries arriving while one insert is in flight share the next, so a burst of webhooks costs
 * a few commits, not one each.
 */
export function createReviewStore(database: Database) {
  const { db, kind } = database;
  const deliveries = createBatcher<DeliveryRecord, void>(async (rows) => {
    await recordDeliveries(db, rows);
    return [];
  }, { maxBatch: 200, gather: true });
  return {
    // Intake.
    /** Everything intake must know about a delivery, in one read. */
    lookUpIntakeFacts: (question: IntakeQuestion) => lookUpIntakeFacts(db, question),
    /** Records a delivery; resolves once the batch holding it has committed. */
    recordDelivery: (row: DeliveryRecord) => deliveries.add(row),
    /** Adds or touches a repository. */
    recordRepository: (repo: { platform: string; fullName: string }, now: number) =>
      recordRepository(db, repo, now),

    // Reviews.
    /** The review row of a `review` job, created on its first attempt. */
    startReview: (review: NewReview) => startReview(db, review),
    /** Marks a review ended. */
    endReview: (
      reviewId: number,
      status: ReviewEnd,
      now: number,
      fields?: { error?: string; summary?: string },
    ) => endReview(db, reviewId, status, now, fields),
    /** Ends the running reviews that the `review` jobs `jobIds` created (cancelled or failed). */
    endReviewsOfJobs: (
      jobIds: readonly number[],
      status: "cancelled" | "failed",
      reason: string,
      now: number,
    ) => endReviewsOfJobs(db, jobIds, status, reason, now),
    /** Stores what a review's jobs share. */
    saveReviewInputs: (reviewId: number, inputs: unknown) => saveReviewInputs(db, reviewId, inputs),
    /** What a review's jobs share, or null. */
    loadReviewInputs: (reviewId: number) => loadReviewInputs(db, reviewId),
    /** Records the review's summary comment and text. */
    recordSummaryComment: (reviewId: number, commentId: string, body: string) =>
      recordSummaryComment(db, reviewId, commentId, body),
    /** Records a published review's totals. */
    recordReviewCounts: (reviewId: number, counts: ReviewCounts) =>
      recordReviewCounts(db, reviewId, counts),
    /** A page of reviews, newest first. */
    listReviews: (options?: ListReviewsOptions) => listReviews(db, options),
    /** Reviews, failures and tokens per hour, day and model around `now`, for the Overview. */
    reviewActivity: (now: number) => reviewActivity(db, now),
    /** One review with its summary, or null. */
    getReview: (id: number) => getReview(db, id),

    // Pipeline runs.
    /** Stores (or replaces) one pipeline's outcome. */
    savePipelineRun: <F>(reviewId: number, run: PipelineRunRecord<F>, now: number) =>
      savePipelineRun(db, reviewId, run, now),
    /** How many of the review's pipelines have ended. */
    countPipelineRuns: (reviewId: number) => countPipelineRuns(db, reviewId),
    /** The review's pipeline outcomes, by name. */
    listPipelineRuns: <F = unknown>(reviewId: number) => listPipelineRuns<F>(db, reviewId),

    // Comments.
    /** Fingerprints of the inline comments recorded on a pull request. */
    postedFingerprints: (repo: { platform: string; fullName: string }, pr: number) =>
      postedFingerprints(db, repo, pr),
    /** Records inline comments that landed. */
    recordInlineComments: (place: CommentPlace, comments: readonly PostedInline[], now: number) =>
      recordInlineComments(db, place, comments, now),
    /** The comments a review posted. */
    listReviewComments: (reviewId: number) => listReviewComments(db, reviewId),

    // Pull requests and retention.
    /** Records whether a pull request is open or closed, as the platform just said. */
    recordPullRequestState: (
      repo: { platform: string; fullName: string },
      pr: number,
      state: "open" | "closed",
      now: number,
    ) => recordPullRequestState(db, repo, pr, state, now),
    /** Deletes up to `limit` deliveries received before `before`; returns how many. */
    pruneDeliveries: (before: number, limit: number) => pruneDeliveries(db, before, limit),
    /** Clears the stored inputs of up to `limit` reviews ended before `before`. */
    pruneReviewInputs: (before: number, limit: number) =>
      pruneReviewInputs(db, kind, before, limit),
    /** Deletes the records of up to `limit` pull requests closed before `before`. */
    pruneClosedReviews: (before: number, limit: number) => pruneClosedReviews(db, before, limit),
    /** Ends as failed the running reviews no job is left to end (see end_orphaned_reviews.ts). */
    endOrphanedReviews: (now: number) => endOrphanedReviews(db, now),
    // The life of a review.
    /** What the last completed review of a pull request read, or null. */
    getReviewState: (repo: { platform: string; fullName: string }, pr: number) =>
      getReviewState(db, repo, pr),
    /** Records what a completed review read, for the next push's incremental review. */
    saveReviewState: (
      repo: { platform: string; fullName: string },
      pr: number,
      state: ReviewState,
    ) => saveReviewState(db, repo, pr, state),
    /** The findings posted inline on a pull request, with their states, oldest first. */
    listFindings: (repo: { platform: string; fullName: string }, pr: number) =>
      listFindings(db, repo, pr),
    /** Moves open findings to another state; returns the fingerprints that changed. */
    setFindingState: (
      repo: { platform: string; fullName: string },
      pr: number,
      changes: readonly FindingStateChange[],
      now: number,
    ) => setFindingState(db, repo, pr, changes, now),
    /** Renumbers open findings onto a newer head. */
    moveFindings: (
      repo: { platform: string; fullName: string },
      pr: number,
      places: readonly FindingPlace[],
    ) => moveFindings(db, repo, pr, places),
    // Pausing.
    /** Whether Loom is paused on a pull request, and since when it last was not. */
    getPause: (ref: PullRequestRef) => getPause(db, ref),
    /** Pauses a pull request; false when it was paused already (the first pause is kept). */
    pausePullRequest: (
      ref: PullRequestRef,
      pause: { by: string | null; reason: string; now: number },
    ) => pausePullRequest(db, ref, pause),
    /** Resumes a pull request; false when it was not paused. */
    resumePullRequest: (ref: PullRequestRef, resume: { by: string; now: number }) =>
      resumePullRequest(db, ref, resume),
    /** Whether a review of `headSha` on the pull request was published. */
    headReviewed: (ref: PullRequestRef, headSha: string) => headReviewed(db, ref, headSha),
    /** The pull request's automatic reviews published since `since`. */
    countReviewedPushes: (ref: PullRequestRef, since: number) =>
      countReviewedPushes(db, ref, since),
    // Model usage and cost.
    /** Stores what model requests spent, one row each. */
    recordLlmUsage: (rows: readonly UsageRecord[]) => recordLlmUsage(db, rows),
    /**
     * Usage since a time summed by repository, model, day, or day and model (the dashboard's
     * charts); bounded by `limit`.
     */
    usageTotals: (options: UsageTotalsOptions) => usageTotals(db, options),
    /** One review's usage by pipeline, model and kind of call. */
    usageOfReview: (reviewId: number) => usageOfReview(db, reviewId),
    /** USD spent since a time, by the server or one repository: what budgets are checked against. */
    spendSince: (since: number, repository?: string) => spendSince(db, since, repository),
    // What the dashboard shows.
    /** Replaces a pipeline run's model-call transcripts (redacted by the caller, capped here). */
    saveTranscripts: (
      reviewId: number,
      pipeline: string,
      calls: readonly TranscriptRecord[],
      now: number,
    ) => saveTranscripts(db, reviewId, pipeline, calls, now),
    /** A review's model-call transcripts by pipeline. */
    listTranscripts: (reviewId: number) => listTranscripts(db, reviewId),
    /** Records the config a review read of a repository. */
    recordRepositoryConfig: (read: RepositoryConfigRecord) => recordRepositoryConfig(db, read),
    /** The config the last review of a repository read, or null. */
    getRepositoryConfig: (repo: { platform: string; fullName: string }) =>
      getRepositoryConfig(db, repo),
    /** A page of repositories with their counts. */
    listRepositories: (options?: { cursor?: number; limit?: number }) =>
      listRepositories(db, options),
    /** One repository with its counts, or null. */
    getRepository: (id: number) => getRepository(db, id),
    /** A repository's paused pull requests. */
    listPausedPullRequests: (repo: { platform: string; fullName: string }) =>
      listPausedPullRequests(db, repo),
  };
}
