/**
 * What a pipeline's model calls cost, priced under the server's `llm.prices` and kept: in the
 * store (per request, for `/api/usage`, summaries and budgets) and in the metrics.
 * @module
 */
import type { JobPayload } from "../../jobs.ts";
import { costOf } from "../../llm/mod.ts";
import type { UsageRecord } from "../../store/mod.ts";
import type { ModelSpend } from "../run_pipeline.ts";
import type { ReviewJobDeps } from "./deps.ts";

/** Stores and counts each request of pipeline `payload.pipeline`'s `spend`, priced as of now. */
export async function recordSpend(
  deps: ReviewJobDeps,
  payload: JobPayload<"pipeline">,
  spend: readonly ModelSpend[],
  at: number,
): Promise<void> {
  const prices = deps.cost?.prices ?? {};
  const rows: UsageRecord[] = spend.map((s) => ({
    reviewId: payload.reviewId,
    platform: payload.repo.platform,
    repository: payload.repo.fullName,
    pipeline: payload.pipeline,
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
    deps.cost?.meter?.observeLlmUsage(row.model, spend[i].usage, row.costUsd);
  }
}
