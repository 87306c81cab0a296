/**
 * The `publish` job: once every pipeline of a review has ended, post what it found.
 *
 * Idempotent by construction: each inline comment carries a hidden fingerprint marker and is
 * recorded per pull request; a finding already posted (on this head or an earlier one, found in
 * the database or by its marker on the platform) is never posted again, so a retried publish, a
 * redelivered webhook or a re-review posts no duplicate. The summary is one comment, edited in
 * place. Findings the platform refuses inline move to the summary instead of failing the job.
 * @module
 */
import { sql } from "kysely";
import type { InlineComment, PostedComment, PullRequest } from "../../platform/mod.ts";
import { PermanentError } from "../../queue/mod.ts";
import type { Job } from "../../queue/mod.ts";
import type { HandlerContext } from "../../worker/pool.ts";
import { type Finding, SEVERITIES } from "../../findings/mod.ts";
import { renderFindingComment } from "../finding_comment.ts";
import { collectReviewResult } from "../review_result.ts";
import { renderSummary } from "../summary.ts";
import type { ReviewJobDeps } from "./deps.ts";
import { loadPipelineRuns, type ReviewRef } from "./pipeline_job.ts";
import { finishReviewRow } from "./review_job.ts";
import { loadReviewPlan } from "./review_inputs.ts";
import { postSummaryComment } from "./summary_comment.ts";

/** The handler of `publish` jobs. */
export function publishJob(deps: ReviewJobDeps) {
  return async (job: Job, { signal }: HandlerContext): Promise<void> => {
    const ref = job.payload as ReviewRef;
    const adapter = deps.adapters[ref.repo.platform];
    if (!adapter) throw new PermanentError(`platform ${ref.repo.platform} is not configured`);
    const { inputs, plan } = await loadReviewPlan(deps.store, ref.reviewId);
    const outcomes = await loadPipelineRuns(deps, ref.reviewId);
    const result = collectReviewResult(plan, outcomes, inputs.config);
    const { review } = inputs.config;
    const pr: PullRequest = await adapter.getPullRequest(ref.repo, ref.pr);
    if (pr.headSha !== ref.headSha) {
      // Published findings would anchor to lines of an outdated diff; the new head's review
      // publishes instead.
      await finishReviewRow(deps, ref.reviewId, "cancelled", now(deps), {
        error: "head moved on before publishing",
      });
      return;
    }
    signal.throwIfAborted();

    const onPlatform = await adapter.listComments(ref.repo, pr);
    const posted = new Set(await recordedFingerprints(deps, ref));
    for (const c of onPlatform) if (c.fingerprint) posted.add(c.fingerprint);
    // A marker found on the platform but missing here: a crash between posting and recording.
    await recordComments(deps, ref, onPlatform.filter((c) => c.kind === "inline" && c.fingerprint));

    const findings = result.findings.map((f) => ({ ...f }));
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
      await recordComments(deps, ref, landed);
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

    const summary = renderSummary({
      ...result.summaryInput,
      findings,
      inlinePosted: true,
      headSha: pr.headSha,
    });
    if (review.summary) {
      await postSummaryComment(deps, adapter, ref.repo, pr, ref.reviewId, summary, onPlatform);
    }
    const blockers = findings.filter((f) => f.severity === "blocker").length;
    const ran = result.pipelines.filter((p) => p.status !== "skipped");
    const allFailed = ran.length > 0 && ran.every((p) => p.status === "failed");
    await adapter.setStatus(
      ref.repo,
      pr,
      statusFor(findings, blockers, allFailed, result.plan.skippedReason),
    );
    await sql`
      update reviews set findings = ${findings.length}, blockers = ${blockers},
        prompt_tokens = ${result.usage.promptTokens},
        completion_tokens = ${result.usage.completionTokens}, llm_calls = ${result.usage.calls}
      where id = ${ref.reviewId}`.execute(deps.store.db);
    await finishReviewRow(
      deps,
      ref.reviewId,
      allFailed ? "failed" : result.plan.skippedReason ? "skipped" : "succeeded",
      now(deps),
      {
        summary,
        error: allFailed ? "every pipeline failed" : undefined,
      },
    );
  };
}

function now(deps: ReviewJobDeps): number {
  return (deps.now ?? Date.now)();
}

function statusFor(findings: Finding[], blockers: number, allFailed: boolean, skipped?: string) {
  if (allFailed) {
    return { state: "error" as const, description: "Loom: every review pipeline failed" };
  }
  if (skipped) {
    return { state: "success" as const, description: "Loom: review skipped (see the summary)" };
  }
  const counts = SEVERITIES.map((s) => `${findings.filter((f) => f.severity === s).length} ${s}`);
  return blockers > 0
    ? { state: "failure" as const, description: `Loom: ${counts.join(", ")}` }
    : { state: "success" as const, description: `Loom: ${counts.join(", ")}` };
}

async function recordedFingerprints(deps: ReviewJobDeps, ref: ReviewRef): Promise<string[]> {
  const rows = await sql<{ fingerprint: string }>`
    select fingerprint from comments where platform = ${ref.repo.platform}
      and repository = ${ref.repo.fullName} and pr_number = ${ref.pr} and kind = 'inline'
  `.execute(deps.store.db);
  return rows.rows.map((r) => r.fingerprint);
}

async function recordComments(deps: ReviewJobDeps, ref: ReviewRef, comments: PostedComment[]) {
  const at = now(deps);
  for (const c of comments) {
    await sql`
      insert into comments (review_id, platform, repository, pr_number, kind, fingerprint,
                            external_id, path, line, head_sha, created_at)
      values (${ref.reviewId}, ${ref.repo.platform}, ${ref.repo.fullName}, ${ref.pr}, 'inline',
              ${c.fingerprint!}, ${c.id}, ${c.path ?? null}, ${
      c.line ?? null
    }, ${ref.headSha}, ${at})
      on conflict (platform, repository, pr_number, fingerprint) do nothing`.execute(deps.store.db);
  }
}
