/**
 * What a review cost, from the store's per-call usage (`llm_usage`, priced under `llm.prices`
 * when it was spent): the review page shows these sums, and tokens alone where a model had no
 * price.
 * @module
 */
import { type ReviewUsage, roundUsd } from "../store/mod.ts";

/** What one review cost, in US dollars; null where a model had no price. */
export interface ReviewCost {
  /** The whole review; null when any call's model had no price. */
  totalUsd: number | null;
  /** By pipeline name; a pipeline missing or null shows tokens only. */
  byPipeline: Record<string, number | null>;
}

/**
 * Sums a review's usage rows. A sum with an unpriced call in it is null, never a partial figure
 * that would read as the whole cost.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reviewCost } from "./review_cost.ts";
 *
 * const row = {
 *   endpoint: "default", model: "gpt-4o-mini", kind: "review", calls: 1, promptTokens: 1000,
 *   cachedTokens: 0, completionTokens: 100, unpricedCalls: 0,
 * };
 * const cost = reviewCost([
 *   { ...row, pipeline: "security", costUsd: 0.25 },
 *   { ...row, pipeline: "security", kind: "verify", costUsd: 0.05 },
 *   { ...row, pipeline: "quality", costUsd: null, unpricedCalls: 1 },
 * ]);
 * assert.deepEqual(cost, { totalUsd: null, byPipeline: { security: 0.3, quality: null } });
 * ```
 */
export function reviewCost(usage: readonly ReviewUsage[]): ReviewCost | null {
  if (usage.length === 0) return null;
  const byPipeline: Record<string, number | null> = {};
  for (const row of usage) {
    const priced = row.unpricedCalls === 0 && row.costUsd !== null;
    const before = row.pipeline in byPipeline ? byPipeline[row.pipeline] : 0;
    byPipeline[row.pipeline] = before === null || !priced ? null : roundUsd(before + row.costUsd!);
  }
  const sums = Object.values(byPipeline);
  const totalUsd = sums.includes(null)
    ? null
    : roundUsd(sums.reduce<number>((a, b) => a + (b ?? 0), 0));
  return { totalUsd, byPipeline };
}
