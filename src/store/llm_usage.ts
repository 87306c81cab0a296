/**
 * Model usage as the store keeps it: what one request to a model spent, and sums of it.
 * @module
 */

/** What one request to a model (with its re-asks) spent, for one pipeline of one review. */
export interface UsageRecord {
  reviewId: number | null;
  platform: string;
  repository: string;
  pipeline: string;
  /** The model's name in the config, e.g. `default`. */
  endpoint: string;
  /** The model id sent to the endpoint, e.g. `gpt-4o-mini`. */
  model: string;
  kind: "review" | "fallback" | "verify";
  calls: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  /** USD under the prices when it was spent; null when the model had no price. */
  costUsd: number | null;
  /** Epoch ms. */
  at: number;
}

/** Sums of usage rows. */
export interface UsageTotals {
  calls: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  /** USD of the priced calls; null when none was priced (unknown, not 0). */
  costUsd: number | null;
  /** Calls of models without a price: their cost is not in `costUsd`. */
  unpricedCalls: number;
}

/** The UTC day of `ms`, `YYYY-MM-DD`, as the `day` column holds it. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Sum columns as both stores return them (PostgreSQL sums of integers come back as text). */
export interface RawTotals {
  calls: number | string | null;
  prompt_tokens: number | string | null;
  cached_tokens: number | string | null;
  completion_tokens: number | string | null;
  cost_usd: number | string | null;
  unpriced_calls: number | string | null;
}

/** The select list {@link toTotals} reads. */
export const TOTALS_SQL = `sum(calls) as calls, sum(prompt_tokens) as prompt_tokens,
  sum(cached_tokens) as cached_tokens, sum(completion_tokens) as completion_tokens,
  sum(cost_usd) as cost_usd,
  sum(case when cost_usd is null then calls else 0 end) as unpriced_calls`;

/** {@link RawTotals} as numbers. */
export function toTotals(r: RawTotals): UsageTotals {
  const n = (v: number | string | null) => Number(v ?? 0);
  return {
    calls: n(r.calls),
    promptTokens: n(r.prompt_tokens),
    cachedTokens: n(r.cached_tokens),
    completionTokens: n(r.completion_tokens),
    costUsd: r.cost_usd === null ? null : roundUsd(Number(r.cost_usd)),
    unpricedCalls: n(r.unpriced_calls),
  };
}

/** Sums of doubles carry float noise: rounded to a millionth of a cent, finer than any price. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}
