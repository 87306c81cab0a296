/**
 * The `publish` job: the only job that writes to the platform. It publishes what the review job
 * decided: a config error (the error summary and an `error` status), a skip (a status saying
 * skipped and why when it is `visible`, else nothing to post: the review row records why), a
 * review not run for its size (a summary saying why and a final status), or a review.
 *
 * A review is published in two stages of one job, so that the pending status can never land
 * after the final one. The review job queues the publish job (high lane) before the pipelines.
 * Its first run sets the pending status ("Loom is reviewing") and postpones the job with
 * `pendingShown` in its payload; the job then waits, holding no slot, until the last pipeline
 * resumes it (a slow poll covers a lost resume). Its next run finds every pipeline ended and
 * posts the findings and the final status. Both stages are runs of the same job, one after the
 * other: the pending write has returned before the postpone is committed, and the final stage
 * runs only after that commit, so no ordering between jobs is needed. A retry after a crash in
 * the first stage sets pending again, still before the final stage; the final stage's retries
 * never do (its payload says pending was shown). The one window left is a worker whose lease
 * expired while its pending request hung; fencing cannot reach a request already sent.
 *
 * Idempotent by construction: each inline comment carries a hidden fingerprint marker and is
 * recorded per pull request; a finding already posted (on this head or an earlier one, found in
 * the database or by its marker on the platform) is never posted again, so a retried publish, a
 * redelivered webhook or a re-review posts no duplicate. The summary is one comment, edited in
 * place. Findings the platform refuses inline move to the summary instead of failing the job.
 * @module
 */
import { type JobPayload, postponeWith, type TypedHandler } from "../../jobs.ts";
import {
  type GitAdapter,
  type InlineComment,
  PlatformError,
  type PostedComment,
  type PullRequest,
  type RepoRef,
} from "../../platform/mod.ts";
import { errorMessage, PermanentError } from "../../queue/mod.ts";
import { type Finding, SEVERITIES, type Severity } from "../../findings/mod.ts";
import type { FindingRecord, PostedInline } from "../../store/mod.ts";
import type { FindingNote, SummaryLife } from "../summary.ts";
import { keyedLock } from "./keyed_lock.ts";
import { readDismissals, type SettledFindings, settleFindings } from "./finding_states.ts";
import type { ReviewLife } from "./incremental.ts";
import { renderFindingComment } from "../finding_comment.ts";
import type { ReviewPlan } from "../plan.ts";
import { collectReviewResult } from "../review_result.ts";
import { renderConfigErrorSummary, renderSummary, summaryMaxChars } from "../summary.ts";
import type { ReviewJobDeps } from "./deps.ts";
import { pipelineOutcomes } from "./pipeline_runs.ts";
import { CONFIG_PATH } from "./repo_config_at.ts";
import { anchorFiles, loadReviewPlan, type ReviewInputs } from "./review_inputs.ts";
import { isLastFailure, settleEndedPipelines } from "./pipeline_endings.ts";
import { postSummaryComment } from "./summary_comment.ts";

/** How long a waiting publish job sleeps before it looks again, should a resume be lost. */
const WAIT_MS = 60_000;

type Publish<O> = Extract<JobPayload<"publish">, { outcome: O }>;

/** The handler of `publish` jobs. */
export function publishJob(deps: ReviewJobDeps): TypedHandler<"publish"> {
  // One publish per pull request at a time in this process: see keyed_lock.ts.
  const lock = keyedLock();
  return async (job, context) => {
    try {
      return await lock(
        `${job.payload.repo.platform}:${job.payload.repo.fullName}#${job.payload.pr}`,
        () => publishRun(deps, job, context.signal),
      );
    } catch (error) {
      // Its last attempt: no later run will publish, so the review ends here, not `running`
      // (and its head `pending`) for ever.
      if (!context.signal.aborted && isLastFailure(deps, job, error)) {
        await endUnpublished(deps, job.payload, error);
      }
      throw error;
    }
  };
}

/**
 * Ends a review its publish job gave up on as failed, and says so on the head with an `error`
 * status where the platform still takes one: the pending status the first stage set would
 * otherwise stay, and block every merge that requires Loom's check.
 */
async function endUnpublished(
  deps: ReviewJobDeps,
  p: JobPayload<"publish">,
  error: unknown,
): Promise<void> {
  if ((await deps.store.getReview(p.reviewId))?.status !== "running") return;
  const adapter = deps.adapters[p.repo.platform];
  try {
    const pr = await adapter?.getPullRequest(p.repo, p.pr);
    if (adapter && pr?.headSha === p.headSha) {
      await adapter.setStatus(p.repo, pr, {
        state: "error",
        description: "Loom: the review could not be published",
      });
    }
  } catch (statusError) {
    deps.log.warn("the error status of an unpublished review was not set", {
      review_id: p.reviewId,
      error: errorMessage(statusError),
    });
  }
  await deps.store.endReview(p.reviewId, "failed", now(deps), {
    error: `not published: ${errorMessage(error)}`,
  });
}

/** One run of a publish job, holding its pull request's lock. */
async function publishRun(
  deps: ReviewJobDeps,
  job: Parameters<TypedHandler<"publish">>[0],
  signal: AbortSignal,
): ReturnType<TypedHandler<"publish">> {
  const p = job.payload;
  const adapter = deps.adapters[p.repo.platform];
  if (p.outcome === "skipped" && !p.visible) {
    await deps.store.endReview(p.reviewId, "skipped", now(deps), { error: p.reason });
    return;
  }
  if (!adapter) throw new PermanentError(`platform ${p.repo.platform} is not configured`);
  if (p.outcome === "skipped") return await publishSkipped(deps, adapter, p);
  if (p.outcome === "config_error") return await publishConfigError(deps, adapter, p);
  if (p.outcome === "not_reviewed") return await publishNotReviewed(deps, adapter, p);
  const { inputs, plan } = await loadReviewPlan(deps.store, p.reviewId);
  // A pipeline the queue ended without a run (dead by its lease, cancelled) counts as failed.
  const ended = await settleEndedPipelines(deps, p.reviewId, { inputs, plan });
  const until = now(deps) + (ended ? 0 : WAIT_MS);
  if (!p.pendingShown) {
    const pr = await adapter.getPullRequest(p.repo, p.pr);
    // On a head that moved on, the status would land on the wrong commit; the final stage
    // then ends the review as moot.
    if (pr.headSha === p.headSha) {
      await adapter.setStatus(p.repo, pr, { state: "pending", description: "Loom is reviewing" });
    }
    return postponeWith("publish", { ...p, pendingShown: true }, until);
  }
  if (!ended) return postponeWith("publish", p, until);
  await publishReview(deps, adapter, p, { inputs, plan }, signal);
}

async function publishConfigError(
  deps: ReviewJobDeps,
  adapter: GitAdapter,
  p: Publish<"config_error">,
): Promise<void> {
  const pr = await adapter.getPullRequest(p.repo, p.pr);
  const body = renderConfigErrorSummary(p.baseRef, p.errors, CONFIG_PATH);
  if (!(await summaryOrFinalError(deps, adapter, p.repo, pr, p.reviewId, body))) return;
  await adapter.setStatus(p.repo, pr, {
    state: "error",
    description: "Loom: the review config has errors",
  });
  await deps.store.endReview(p.reviewId, "failed", now(deps), { error: "config errors" });
}

/** A skip people should see: a `success` status saying skipped and why, on the head skipped. */
async function publishSkipped(
  deps: ReviewJobDeps,
  adapter: GitAdapter,
  p: Publish<"skipped">,
): Promise<void> {
  const pr = await adapter.getPullRequest(p.repo, p.pr);
  // On a head that moved on the status would land on the wrong commit; the new head decides.
  if (pr.headSha === p.headSha) {
    await adapter.setStatus(p.repo, pr, {
      state: "success",
      description: `Loom: skipped, ${p.reason}`,
    });
  }
  await deps.store.endReview(p.reviewId, "skipped", now(deps), { error: p.reason });
}

async function publishNotReviewed(
  deps: ReviewJobDeps,
  adapter: GitAdapter,
  p: Publish<"not_reviewed">,
): Promise<void> {
  const pr = await adapter.getPullRequest(p.repo, p.pr);
  const summary = renderSummary({
    findings: [],
    pipelines: [],
    skippedFiles: [],
    notReviewed: [],
    droppedUnknownPath: 0,
    skippedReason: p.reason,
    headSha: pr.headSha,
    maxChars: summaryMaxChars(adapter.dialect),
  });
  await postSummaryComment(deps.store, adapter, p.repo, pr, p.reviewId, summary);
  await adapter.setStatus(p.repo, pr, statusFor([], 0, false, p.reason));
  await deps.store.endReview(p.reviewId, "skipped", now(deps), { summary, error: p.reason });
}

async function publishReview(
  deps: ReviewJobDeps,
  adapter: GitAdapter,
  ref: Publish<"reviewed">,
  { inputs, plan }: { inputs: ReviewInputs; plan: ReviewPlan },
  signal: AbortSignal,
): Promise<void> {
  const outcomes = await pipelineOutcomes(deps.store, ref.reviewId);
  const result = collectReviewResult(plan, outcomes, inputs.config);
  const { review } = inputs.config;
  const pr: PullRequest = await adapter.getPullRequest(ref.repo, ref.pr);
  if (pr.headSha !== ref.headSha) {
    // Published findings would anchor to lines of an outdated diff; the new head's review
    // publishes instead.
    await deps.store.endReview(ref.reviewId, "cancelled", now(deps), {
      error: "head moved on before publishing",
    });
    return;
  }
  signal.throwIfAborted();

  const onPlatform = await adapter.listComments(ref.repo, pr);
  const posted = new Set(await deps.store.postedFingerprints(ref.repo, ref.pr));
  for (const c of onPlatform) if (c.fingerprint) posted.add(c.fingerprint);
  // A marker found on the platform but missing here: a crash between posting and recording.
  await deps.store.recordInlineComments(ref, inlineWithFingerprints(onPlatform), now(deps));

  // A finding a person dismissed is never posted or listed again on this pull request.
  const place = { repo: ref.repo, pr };
  const { dismissedNow, dismissed } = await readDismissals(deps, adapter, place);
  const findings = result.findings.filter((f) => !dismissed.has(f.fingerprint)).map((f) => ({
    ...f,
  }));
  const fresh = findings.filter((f) => f.inDiff && !posted.has(f.fingerprint));
  const inline = review.inline ? fresh.slice(0, review.max_inline_comments) : [];
  const comments: InlineComment[] = inline.map((f) => ({
    path: f.path,
    line: f.end_line ?? f.line,
    startLine: f.end_line ? f.line : undefined,
    body: renderFindingComment(f, adapter.dialect),
    fingerprint: f.fingerprint,
  }));
  if (comments.length > 0) {
    const { posted: landed, rejected } = await adapter.postInline(ref.repo, pr, comments);
    await deps.store.recordInlineComments(ref, withFindings(landed, inline), now(deps));
    const refused = new Set(rejected.map((r) => r.comment.fingerprint));
    for (const f of findings) if (refused.has(f.fingerprint)) f.inDiff = false;
    if (rejected.length > 0) {
      deps.log.warn("inline comments refused, moved to the summary", {
        review_id: ref.reviewId,
        refused: rejected.map((r) => `${r.comment.path}:${r.comment.line}: ${r.reason}`),
      });
    }
  }
  // Beyond max_inline_comments or with inline off, findings are listed in full in the summary.
  const inlineNow = new Set(comments.map((c) => c.fingerprint));
  for (const f of fresh) if (!inlineNow.has(f.fingerprint)) f.inDiff = false;

  // What this review did to earlier findings (fixed ones' threads resolved).
  const settled = inputs.life
    ? await settleFindings(deps, adapter, place, {
      reviewId: ref.reviewId,
      life: inputs.life,
      reported: findings,
      prFiles: anchorFiles(inputs, plan),
    })
    : null;
  const summary = renderSummary({
    ...result.summaryInput,
    findings,
    inlinePosted: true,
    // Read defensively: inputs stored before the key existed lack it.
    ...(review.show_cost === false ? {} : await reviewCost(deps, ref.reviewId)),
    notes: inputs.notes,
    paused: inputs.paused,
    budget: inputs.budget,
    headSha: pr.headSha,
    ...(inputs.life && settled ? { life: summaryLife(inputs.life, settled, dismissedNow) } : {}),
    maxChars: summaryMaxChars(adapter.dialect),
  });
  if (review.summary) {
    const posted = await summaryOrFinalError(
      deps,
      adapter,
      ref.repo,
      pr,
      ref.reviewId,
      summary,
      onPlatform,
    );
    if (!posted) return;
  }
  // The status speaks for the head: findings still open from earlier reviews count too.
  const severities = [
    ...findings.map((f) => f.severity),
    ...(settled?.stillOpen ?? []).flatMap((r) => r.severity ? [r.severity] : []),
  ];
  const blockers = severities.filter((s) => s === "blocker").length;
  const ran = result.pipelines.filter((p) => p.status !== "skipped");
  const allFailed = ran.length > 0 && ran.every((p) => p.status === "failed");
  await adapter.setStatus(
    ref.repo,
    pr,
    statusFor(severities, blockers, allFailed, result.plan.skippedReason),
  );
  await deps.store.recordReviewCounts(ref.reviewId, {
    findings: findings.length,
    blockers,
    promptTokens: result.usage.promptTokens,
    completionTokens: result.usage.completionTokens,
    llmCalls: result.usage.calls,
  });
  // The next push is reviewed from this head only when every pipeline read this one.
  if (inputs.life && !result.pipelines.some((p) => p.status === "failed")) {
    const row = await deps.store.getReview(ref.reviewId);
    await deps.store.saveReviewState(ref.repo, ref.pr, {
      headSha: pr.headSha,
      mergeBase: inputs.life.mergeBase,
      configFingerprint: inputs.life.configFingerprint,
      reviewId: ref.reviewId,
      summaryCommentId: row?.summary_comment_id ?? null,
      updatedAt: now(deps),
    });
  }
  await deps.store.endReview(
    ref.reviewId,
    allFailed ? "failed" : result.plan.skippedReason ? "skipped" : "succeeded",
    now(deps),
    {
      summary,
      error: allFailed ? "every pipeline failed" : undefined,
    },
  );
}

/**
 * The review's tokens and cost, summed from what its pipelines' requests recorded; nothing when
 * no model was asked (a line saying "0 tokens" tells nobody anything).
 */
async function reviewCost(deps: ReviewJobDeps, reviewId: number) {
  const usage = await deps.store.usageOfReview(reviewId);
  if (usage.length === 0) return {};
  const priced = usage.filter((u) => u.costUsd !== null);
  const cost = {
    tokens: usage.reduce((n, u) => n + u.promptTokens + u.completionTokens, 0),
    usd: priced.length === 0
      ? null
      : Math.round(priced.reduce((n, u) => n + (u.costUsd ?? 0), 0) * 1e8) / 1e8,
    unpricedCalls: usage.reduce((n, u) => n + u.unpricedCalls, 0),
  };
  return { cost };
}

/**
 * Posts the summary ({@link postSummaryComment}); when the platform refuses it for good (a
 * permanent PlatformError: a comment Loom may not edit, a locked conversation), the review still
 * ends: an `error` status says so and the review row records why, so that a refused summary never
 * leaves the status pending on this and every later review. Retryable failures are thrown for
 * the queue to retry. False when the summary was refused.
 */
async function summaryOrFinalError(
  deps: ReviewJobDeps,
  adapter: GitAdapter,
  repo: RepoRef,
  pr: PullRequest,
  reviewId: number,
  body: string,
  onPlatform?: PostedComment[],
): Promise<boolean> {
  try {
    await postSummaryComment(deps.store, adapter, repo, pr, reviewId, body, onPlatform);
    return true;
  } catch (error) {
    if (!(error instanceof PlatformError) || error.retryable) throw error;
    deps.log.warn("the platform refused the summary comment", {
      review_id: reviewId,
      status: error.status,
      error: error.message,
    });
    await adapter.setStatus(repo, pr, {
      state: "error",
      description: `Loom: the platform refused its summary comment (${error.status})`,
    });
    await deps.store.endReview(reviewId, "failed", now(deps), {
      error: `summary refused: ${error.message}`,
    });
    return false;
  }
}

/** Loom's inline comments among `comments`, each with the fingerprint its marker carries. */
function inlineWithFingerprints(comments: PostedComment[]) {
  return comments.flatMap((c) =>
    c.kind === "inline" && c.fingerprint ? [{ ...c, fingerprint: c.fingerprint }] : []
  );
}

/** Landed comments with the finding each carries, so its range and words are stored with it. */
function withFindings(landed: PostedInline[], inline: Finding[]): PostedInline[] {
  const byFingerprint = new Map(inline.map((f) => [f.fingerprint, f]));
  return landed.map((c) => {
    const f = byFingerprint.get(c.fingerprint);
    if (!f) return c;
    return {
      ...c,
      finding: {
        startLine: f.line,
        line: f.end_line ?? f.line,
        severity: f.severity,
        title: f.title,
        pipeline: f.pipeline,
      },
    };
  });
}

/** The summary's account of the review's range and of earlier findings. */
function summaryLife(
  life: ReviewLife,
  settled: SettledFindings,
  dismissedNow: FindingRecord[],
): SummaryLife {
  const notes = (records: FindingRecord[]): FindingNote[] =>
    records.flatMap((r) =>
      r.path !== null && r.line !== null
        ? [{
          path: r.path,
          line: r.startLine ?? r.line,
          title: r.title ?? "(a finding)",
          ...(r.severity ? { severity: r.severity } : {}),
          ...(r.stateBy && r.state === "dismissed" ? { by: r.stateBy } : {}),
        }]
        : []
    );
  return {
    ...(life.from !== undefined ? { from: life.from } : {}),
    ...(life.fullReason !== undefined ? { fullReason: life.fullReason } : {}),
    ...(life.previous ? { previousHead: life.previous.headSha } : {}),
    fixed: notes(settled.fixed),
    outdated: notes(settled.outdated),
    dismissed: notes(dismissedNow),
    stillOpen: notes(settled.stillOpen),
  };
}

function now(deps: ReviewJobDeps): number {
  return (deps.now ?? Date.now)();
}

function statusFor(
  severities: Severity[],
  blockers: number,
  allFailed: boolean,
  skipped?: string,
) {
  if (allFailed) {
    return { state: "error" as const, description: "Loom: every review pipeline failed" };
  }
  if (skipped) {
    return { state: "success" as const, description: "Loom: review skipped (see the summary)" };
  }
  const counts = SEVERITIES.map((s) => `${severities.filter((x) => x === s).length} ${s}`);
  return blockers > 0
    ? { state: "failure" as const, description: `Loom: ${counts.join(", ")}` }
    : { state: "success" as const, description: `Loom: ${counts.join(", ")}` };
}
