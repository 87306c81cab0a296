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
  completionTokens: number;
  /** Chat completions that returned an answer; calls the server refused outright are free. */
  calls: number;
}

/** Nothing spent yet. */
export const NO_USAGE: Usage = Object.freeze({ promptTokens: 0, completionTokens: 0, calls: 0 });

/**
 * Adds two usages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addUsage, NO_USAGE } from "./usage.ts";
 *
 * const call = { promptTokens: 10, completionTokens: 5, calls: 1 };
 * assert.deepEqual(addUsage(call, NO_USAGE), call);
 * assert.deepEqual(addUsage(call, call), { promptTokens: 20, completionTokens: 10, calls: 2 });
 * ```
 */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    calls: a.calls + b.calls,
  };
}
