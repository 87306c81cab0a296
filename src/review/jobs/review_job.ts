/**
 * The `review` job: from a pull request event to one `pipeline` job per pipeline.
 *
 * It reads the pull request, the config from its base branch, applies the triggers, fetches the
 * diff, stores what the pipeline jobs share and fans out, one job per pipeline in the lane of its
 * severity (blocker → high, warning → normal, info → low). A diff past `LOOM_MAX_DIFF_BYTES`
 * (the adapter stops reading it) or above `max_changes` is never stored: the review ends there,
 * with a summary saying why. It writes nothing to the platform:
 * what it decided (a config error, a skip, a review under way) goes to the `publish` job, which
 * is queued before the pipelines so that it shows the pending status while they run.
 * @module
 */
import { z } from "zod";
import { cancelReviews } from "../../cancel_reviews.ts";
import { buildContexts } from "../../context/mod.ts";
import { globMatcher } from "../../glob/mod.ts";
import { enqueueJob, type JobPayload, type TypedHandler } from "../../jobs.ts";
import { DiffTooLargeError, PlatformError, type PullRequest } from "../../platform/mod.ts";
import { errorMessage, type Lane, PermanentError, RetryableError } from "../../queue/mod.ts";
import { clampToServerCaps, formatConfigError } from "../../repo_config/mod.ts";
import type { Severity } from "../../findings/mod.ts";
import { readInstructionFiles } from "../instruction_files.ts";
import { planReview, sentFiles } from "../plan.ts";
import { autoPause } from "./auto_pause.ts";
import {
  type BudgetAlerts,
  budgetFallbackNote,
  budgetSkipReason,
  onFallbackModel,
  spentBudget,
} from "./budget.ts";
import { commandRefusal } from "./command_permission.ts";
import type { ReviewJobDeps } from "./deps.ts";
import { isLastFailure, pipelineDedupeKey, publishDedupeKey } from "./pipeline_endings.ts";
import { repoSetupAt } from "./repo_config_at.ts";
import { configFingerprint, reviewRange } from "./incremental.ts";
import type { ReviewInputs } from "./review_inputs.ts";
import { reviewSkip } from "./skip_rules.ts";

/** A review job's payload asked for by a command (this job's own among them). */
const commandReview = z.object({ trigger: z.literal("command"), headSha: z.literal("") });

const LANE_OF: Record<Severity, Lane> = { blocker: "high", warning: "normal", info: "low" };

/** The handler of `review` jobs. */
export function reviewJob(deps: ReviewJobDeps): TypedHandler<"review"> {
  const review = reviewRun(deps);
  return async (job, context) => {
    try {
      return await review(job, context);
    } catch (error) {
      // Its last attempt: no later run will end the row an attempt started (this one, or an
      // earlier one that failed further on), and no publish was queued for it.
      if (!context.signal.aborted && isLastFailure(deps, job, error)) {
        const now = (deps.now ?? Date.now)();
        await deps.store.endReviewsOfJobs([job.id], "failed", errorMessage(error), now);
      }
      throw error;
    }
  };
}

function reviewRun(deps: ReviewJobDeps): TypedHandler<"review"> {
  const budgetAlerts: BudgetAlerts = new Map();
  return async (job, { signal }) => {
    const { payload } = job;
    const adapter = deps.adapters[payload.repo.platform];
    if (!adapter) throw new PermanentError(`platform ${payload.repo.platform} is not configured`);
    const log = deps.log.with({ job_id: job.id, repo: payload.repo.fullName, pr: payload.pr });
    const now = deps.now ?? Date.now;
    if (payload.trigger === "command") {
      const refused = await commandRefusal(deps, adapter, payload);
      if (refused) {
        await endEarlierAttempt(deps, job, "the command was not obeyed", now());
        return log.info("command not obeyed", { reason: refused });
      }
      // The command is obeyed: a full re-review replaces what runs for the pull request now
      // (other reviews asked for by command are kept; intake lets one through at a time).
      if (job.groupKey) {
        await cancelReviews(
          deps,
          job.groupKey,
          "superseded by a /loom review command",
          (other) => commandReview.safeParse(other).success,
        );
      }
    }

    let pr: PullRequest;
    try {
      pr = await adapter.getPullRequest(payload.repo, payload.pr);
    } catch (error) {
      if (error instanceof PlatformError && error.status === 404) {
        throw new PermanentError(error.message);
      }
      throw error;
    }
    // What the platform says decides how long the pull request's reviews are kept.
    await deps.store.recordPullRequestState(
      payload.repo,
      payload.pr,
      pr.state === "open" ? "open" : "closed",
      now(),
    );
    if (pr.state !== "open") {
      await endEarlierAttempt(deps, job, "the pull request is not open", now());
      return log.info("review skipped: pull request not open");
    }
    if (payload.headSha && pr.headSha !== payload.headSha) {
      // Either a newer push is on its way through its own delivery (reviewing this head is moot),
      // or the platform's API does not show the pushed head yet (GitLab builds the new diff
      // version after its hook fires): look once more before giving up on this head.
      if (job.attempts === 1) {
        throw new RetryableError(
          `the platform shows head ${pr.headSha.slice(0, 12)}, not ${payload.headSha.slice(0, 12)}`,
          { retryAfterMs: 3_000 },
        );
      }
      await endEarlierAttempt(deps, job, `superseded by ${pr.headSha.slice(0, 12)}`, now());
      return log.info("review skipped: head moved on", { head: pr.headSha });
    }
    signal.throwIfAborted();

    const reviewId = await deps.store.startReview({
      repo: payload.repo,
      pr: payload.pr,
      headSha: pr.headSha,
      baseSha: pr.baseSha,
      prTitle: pr.title,
      trigger: payload.trigger,
      jobId: job.id,
      now: now(),
    });
    try {
      // A cancel (a newer head, a close, a command) between the claim and the row could not end
      // the row: this run does, whether it stops here or at a later check.
      signal.throwIfAborted();
      // Read inside the row's try: a last attempt failing here (the platform down while the
      // config is read) must still end the row an earlier attempt started.
      const setup = await repoSetupAt(adapter, payload.repo, pr.baseRef, deps.policy, deps.llm);
      // The config in effect and its errors, for the dashboard's Repositories page.
      await deps.store.recordRepositoryConfig({
        platform: payload.repo.platform,
        repository: payload.repo.fullName,
        ref: pr.baseRef,
        text: setup.text,
        errors: setup.ok ? [] : setup.errors,
        readAt: now(),
      });
      const ref = { reviewId, repo: payload.repo, pr: payload.pr, headSha: pr.headSha };
      const group = job.groupKey ?? undefined;
      const publish = (publishPayload: JobPayload<"publish">) =>
        enqueueJob(deps.queue, "publish", "high", publishPayload, {
          groupKey: group,
          dedupeKey: publishDedupeKey(reviewId),
        });
      if (!setup.ok) {
        await publish({
          ...ref,
          outcome: "config_error",
          baseRef: pr.baseRef,
          errors: setup.errors.map(formatConfigError),
        });
        return log.info("review not run: config errors", { review_id: reviewId });
      }
      const { templates } = setup;
      // The review spends the server's key and worker slots: the operator's caps bound it.
      const clamped = deps.caps
        ? clampToServerCaps(setup.config, deps.caps)
        : { config: setup.config, notes: [] };
      let { config } = clamped;
      const { notes } = clamped;
      let budgetLine: string | undefined;
      if (notes.length > 0) log.info("repo config clamped to the server's caps", { notes });
      const triggered = payload.trigger === "command";
      if (!triggered && pr.draft && !config.triggers.drafts) {
        await publish({
          ...ref,
          outcome: "skipped",
          reason: "draft pull request (triggers.drafts is false)",
        });
        return log.info("review skipped: draft");
      }
      const branches = config.triggers.branches;
      if (!triggered && branches.length > 0 && !globMatcher(branches)(pr.baseRef)) {
        await publish({
          ...ref,
          outcome: "skipped",
          reason: `base branch ${pr.baseRef} not in triggers.branches`,
        });
        return log.info("review skipped: base branch not in triggers.branches");
      }
      const skip = triggered ? null : await reviewSkip(deps, adapter, payload, pr, config.triggers);
      if (skip) {
        await publish({ ...ref, outcome: "skipped", reason: skip, visible: true });
        return log.info("review skipped", { reason: skip });
      }

      // Past a budget the model is not called: the review is skipped (a success status, as for
      // any skip: the operator's spending limit is no fault of the change, and an error status
      // would block every merge that requires Loom's check until midnight), or it runs on the
      // operator's fallback model.
      const spent = await spentBudget(deps, payload.repo.fullName, now(), budgetAlerts);
      if (spent) {
        const fallback = deps.cost?.budgetFallbackModel;
        if (!fallback) {
          const reason = budgetSkipReason(spent);
          // Not reviewed, as for a diff too large: a summary says why, the status is a success.
          await publish({ ...ref, outcome: "not_reviewed", reason });
          return log.info("review skipped: budget", { review_id: reviewId, budget: spent.budget });
        }
        config = onFallbackModel(config, deps.llm, fallback);
        budgetLine = budgetFallbackNote(spent, fallback);
        log.info("review on the budget fallback model", {
          review_id: reviewId,
          budget: spent.budget,
          model: fallback,
        });
      }

      let diff: string;
      try {
        diff = await adapter.fetchDiff(payload.repo, pr);
      } catch (error) {
        if (!(error instanceof DiffTooLargeError)) throw error;
        await publish({ ...ref, outcome: "not_reviewed", reason: tooLargeReason(error.maxBytes) });
        return log.info("review not run: diff too large", { review_id: reviewId });
      }
      signal.throwIfAborted();
      const change = {
        title: pr.title,
        description: pr.description,
        repo: payload.repo.fullName,
        baseBranch: pr.baseRef,
        headBranch: pr.headRef,
      };
      // The team's rules, from the base branch like the config: a pull request editing them is
      // reviewed under the rules it would change.
      const rules = await readInstructionFiles(
        config.review.instructions_files,
        (path) => adapter.fetchFile(payload.repo, path, pr.baseRef),
        config.review.instructions_max_tokens,
      );
      for (const failed of rules.failed) {
        log.warn("instruction file not read; the review goes on without it", failed);
      }
      if (rules.leftOut.length > 0) {
        log.info("instruction files over review.instructions_max_tokens left out", {
          files: rules.leftOut,
        });
      }
      const instructions = rules.files;
      signal.throwIfAborted();
      // Incremental when it can be: the model is sent only what changed since the last review.
      const range = await reviewRange(deps.store, adapter, payload.repo, pr, {
        prDiff: diff,
        config,
        full: payload.full === true,
      }, configFingerprint(config, templates, instructions));
      signal.throwIfAborted();
      // Planned before anything is stored: a diff above max_changes is not kept, nor parsed again.
      const plan = planReview({ diff: range.diff, config, templates, change, instructions });
      const skippedReason = range.skippedReason ?? plan.skippedReason;
      if (skippedReason) {
        await publish({ ...ref, outcome: "not_reviewed", reason: skippedReason });
        return log.info("review not run: above max_changes", { review_id: reviewId });
      }
      // The code around the hunks, read at the head once here: every pipeline job plans with it.
      const context = await buildContexts({
        files: sentFiles(plan),
        mode: config.review.context,
        fileTokens: config.review.context_file_tokens,
        read: (path) => adapter.fetchFile(payload.repo, path, pr.headSha),
        signal,
        onError: (path, error) =>
          log.warn("file not read for context", { path, error: errorMessage(error) }),
      });
      signal.throwIfAborted();
      const paused = triggered
        ? null
        : await autoPause(deps, payload, config.review.auto_pause_after);
      const inputs: ReviewInputs = {
        diff: range.diff,
        config,
        templates,
        change,
        ...(instructions.length > 0 ? { instructions } : {}),
        ...(notes.length > 0 ? { notes } : {}),
        ...(paused ? { paused } : {}),
        ...(budgetLine ? { budget: budgetLine } : {}),
        // An incremental review's findings are anchored on the pull request's whole diff.
        ...(range.life.mode === "incremental" ? { prDiff: diff } : {}),
        life: range.life,
        ...(context.length > 0 ? { context } : {}),
      };
      await deps.store.saveReviewInputs(reviewId, inputs);
      // Queued first, in the high lane, so it shows the pending status before the pipelines run;
      // it then waits for them (see publish_job.ts).
      await publish({ ...ref, outcome: "reviewed" });
      for (const pipeline of plan.pipelines) {
        await enqueueJob(deps.queue, "pipeline", LANE_OF[pipeline.severity], {
          ...ref,
          pipeline: pipeline.name,
        }, { groupKey: group, dedupeKey: pipelineDedupeKey(reviewId, pipeline.name) });
      }
      log.info("review planned", {
        review_id: reviewId,
        mode: range.life.mode,
        full_reason: range.life.fullReason,
        pipelines: plan.pipelines.map((p) => `${p.name}:${p.calls.length}`),
      });
    } catch (error) {
      if (signal.aborted && (await deps.queue.get(job.id))?.status === "cancelled") {
        await deps.store.endReviewsOfJobs(
          [job.id],
          "cancelled",
          "the review job was cancelled",
          now(),
        );
      }
      throw error;
    }
  };
}

/**
 * Ends as cancelled the row an earlier attempt of `job` made, when this attempt stops before it
 * would reach the row (the pull request closed, its head moved on): nothing else would end it.
 */
async function endEarlierAttempt(
  deps: ReviewJobDeps,
  job: { id: number; attempts: number },
  reason: string,
  now: number,
): Promise<void> {
  if (job.attempts > 1) await deps.store.endReviewsOfJobs([job.id], "cancelled", reason, now);
}

/** Why a diff past `LOOM_MAX_DIFF_BYTES` was not reviewed, for the summary. */
function tooLargeReason(maxBytes: number): string {
  const size = maxBytes % 1_048_576 === 0 ? `${maxBytes / 1_048_576} MiB` : `${maxBytes} bytes`;
  return `the diff is larger than ${size}, the most this server reads (LOOM_MAX_DIFF_BYTES); ` +
    "Loom stopped reading it, so nothing was reviewed";
}
