/**
 * What tokens cost: the operator's price list (`llm.prices`) and the cost of one usage under it.
 * @module
 */
import type { Usage } from "./usage.ts";

/** A model's prices in USD per million tokens. */
export interface ModelPrice {
  input: number;
  /** Prompt tokens read from the server's cache; unset: priced as `input`. */
  cachedInput?: number;
  output: number;
}

/** Prices by model id, as sent to the endpoint (`gpt-4o-mini`), not the config's name for it. */
export type PriceList = Readonly<Record<string, ModelPrice>>;

/**
 * The cost in USD of `usage` on `model`, or null when the price list does not know the model: an
 * unpriced model's spend is unknown, never 0, so totals and budgets do not pass it off as free.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { costOf } from "./prices.ts";
 *
 * const prices = { "gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 } };
 * const usage = { promptTokens: 1_000_000, cachedTokens: 400_000, completionTokens: 10_000, calls: 3 };
 * // 600k fresh input at $0.15/M, 400k cached at $0.075/M, 10k output at $0.60/M.
 * assert.equal(costOf(prices, "gpt-4o-mini", usage), 0.09 + 0.03 + 0.006);
 * assert.equal(costOf(prices, "llama3", usage), null);
 * ```
 */
export function costOf(prices: PriceList, model: string, usage: Usage): number | null {
  const price = Object.hasOwn(prices, model) ? prices[model] : undefined;
  if (!price) return null;
  // A server reporting more cached tokens than prompt tokens is not believed past the prompt.
  const cached = Math.min(usage.cachedTokens ?? 0, usage.promptTokens);
  const micro = (usage.promptTokens - cached) * price.input +
    cached * (price.cachedInput ?? price.input) +
    usage.completionTokens * price.output;
  // Rounded to a millionth of a cent: float noise must not show as $0.30000000000000004.
  return Math.round(micro / 1e6 * 1e8) / 1e8;
}

/**
 * A cost in US dollars as a pull request's summary shows it: four decimals under a dollar (cents
 * hide what a small review costs), two past it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usdText } from "./prices.ts";
 *
 * assert.equal(usdText(0.0123), "$0.0123");
 * assert.equal(usdText(12.5), "$12.50");
 * ```
 */
export function usdText(usd: number): string {
  return `$${usd < 1 ? usd.toFixed(4) : usd.toFixed(2)}`;
}
