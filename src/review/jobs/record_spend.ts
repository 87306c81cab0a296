/**
 * What a pipeline's model calls cost, priced under the server's `llm.prices` and kept: in the
 * store (per request, for `/api/usage`, summaries and budgets) and in the metrics.
 * @module
 */
import type { JobPayload } from "../../jobs.ts";
import { costOf } from "../../llm/mod.ts";
import type { UsageRecord } from "../../store/mod.ts";
import type { PipelineOutcome } from "../run_pipeline.ts";
import type { ReviewJobDeps } from "./deps.ts";

/** Stores and counts each request of `outcome`'s spend, priced as of now. */
export async function recordSpend(
  deps: ReviewJobDeps,
  payload: JobPayload<"pipeline">,
  outcome: PipelineOutcome,
  at: number,
): Promise<void> {
  const prices = deps.cost?.prices ?? {};
  const rows: UsageRecord[] = (outcome.spend ?? []).map((s) => ({
    reviewId: payload.reviewId,
    platform: payload.repo.platform,
    repository: payload.repo.fullName,
    pipeline: outcome.name,
    endpoint: s.endpoint,
    model: s.model,
    kind: s.kind,
    calls: s.usage.calls,
    promptTokens: s.usage.promptTokens,
    cachedTokens: s.usage.cachedTokens ?? 0,
    completionTokens: s.usage.completionTokens,
    costUsd: costOf(prices, s.model, s.usage),
    at,
  }));
  await deps.store.recordLlmUsage(rows);
  for (const [i, row] of rows.entries()) {
    deps.cost?.meter?.observeLlmUsage(row.model, outcome.spend![i].usage, row.costUsd);
  }
}
