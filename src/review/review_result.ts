/**
 * A review's result, collected from its pipelines' outcomes: their findings deduped, filtered by
 * `min_severity` and sorted, their token use added up, and what the summary is rendered from
 * (rendered by whoever shows it: the publish job with what it posted, `loom review` as is).
 * @module
 */
import type { Usage } from "../llm/mod.ts";
import type { RepoConfig } from "../repo_config/mod.ts";
import { dedupeFindings } from "./dedupe.ts";
import { type Finding, SEVERITIES } from "../findings/mod.ts";
import type { ReviewPlan } from "./plan.ts";
import type { PipelineOutcome } from "./run_pipeline.ts";
import type { SummaryInput } from "./summary.ts";

/** The result of a review, whatever ran it. */
export interface ReviewResult {
  /** Every finding, deduped, most severe first; `inDiff` false ones belong in the summary only. */
  findings: Finding[];
  pipelines: PipelineOutcome[];
  plan: ReviewPlan;
  usage: Usage;
  /** What the summary comment is rendered from (see `renderSummary`). */
  summaryInput: SummaryInput;
  droppedUnknownPath: number;
}

/**
 * Collects the outcomes of `plan`'s pipelines into the review's result. Called once every
 * pipeline has an outcome, by the publish job and by `loom review` alike.
 */
export function collectReviewResult(
  plan: ReviewPlan,
  outcomes: PipelineOutcome[],
  config: RepoConfig,
): ReviewResult {
  const floor = SEVERITIES.indexOf(config.review.min_severity);
  const findings = dedupeFindings(outcomes.flatMap((o) => o.findings))
    .filter((f) => SEVERITIES.indexOf(f.severity) <= floor)
    .sort((a, b) =>
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      a.path.localeCompare(b.path) || a.line - b.line
    );
  const usage = outcomes.reduce(
    (u, o) => ({
      promptTokens: u.promptTokens + o.usage.promptTokens,
      completionTokens: u.completionTokens + o.usage.completionTokens,
      calls: u.calls + o.usage.calls,
    }),
    { promptTokens: 0, completionTokens: 0, calls: 0 },
  );
  const droppedUnknownPath = outcomes.reduce((n, o) => n + o.droppedUnknownPath, 0);
  // A file left out by several pipelines for the same reason is listed once.
  const notReviewed = [
    ...new Map(plan.notReviewed.map((n) => [`${n.path}\0${n.reason}`, n])).values(),
  ].map((n) => ({ path: n.path, reason: n.reason }));
  const summaryInput: SummaryInput = {
    findings,
    pipelines: outcomes.map((o) => ({
      name: o.name,
      model: o.model,
      status: o.status,
      error: o.error,
      findings: findings.filter((f) => f.pipeline === o.name).length,
      usage: o.usage,
      ...(o.answeredBy ? { answeredBy: o.answeredBy } : {}),
      ...(o.modelFailures ? { modelFailures: o.modelFailures } : {}),
      ...(o.verification ? { verification: o.verification } : {}),
    })),
    skippedFiles: plan.skippedFiles,
    notReviewed,
    droppedUnknownPath,
    skippedReason: plan.skippedReason,
  };
  return {
    findings,
    pipelines: outcomes,
    plan,
    usage,
    summaryInput,
    droppedUnknownPath,
  };
}
