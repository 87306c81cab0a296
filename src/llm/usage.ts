/**
 * Token accounting across the calls of one request.
 * @module
 */

/**
 * Tokens a request to a model cost, summed over its calls (a re-ask is a second call), so
 * Loom can report spend per review.
 */
export interface Usage {
  promptTokens: number;
  /**
   * Of `promptTokens`, those the server read from its prompt cache (OpenAI's
   * `usage.prompt_tokens_details.cached_tokens`), usually billed lower; absent when the server
   * does not say.
   */
  cachedTokens?: number;
  completionTokens: number;
  /** Chat completions that returned an answer; calls the server refused outright are free. */
  calls: number;
}

/** Nothing spent yet. */
export const NO_USAGE: Usage = Object.freeze({ promptTokens: 0, completionTokens: 0, calls: 0 });

/**
 * Adds two usages; `undefined` (a failure that spent nothing) adds nothing. Cached tokens are
 * summed when either side reports them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addUsage, NO_USAGE } from "./usage.ts";
 *
 * const call = { promptTokens: 10, completionTokens: 5, calls: 1 };
 * assert.deepEqual(addUsage(call, NO_USAGE), call);
 * assert.deepEqual(addUsage(call, call), { promptTokens: 20, completionTokens: 10, calls: 2 });
 * assert.equal(addUsage(call, { ...call, cachedTokens: 4 }).cachedTokens, 4);
 * ```
 */
export function addUsage(a: Usage, b: Usage | undefined): Usage {
  if (!b) return a;
  const cached = a.cachedTokens === undefined && b.cachedTokens === undefined
    ? {}
    : { cachedTokens: (a.cachedTokens ?? 0) + (b.cachedTokens ?? 0) };
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    ...cached,
    completionTokens: a.completionTokens + b.completionTokens,
    calls: a.calls + b.calls,
  };
}
