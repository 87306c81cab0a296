/**
 * Request fields some models refuse, learnt from their 400s and remembered for the process.
 * @module
 */

import { endpointKey } from "./endpoint_limiter.ts";
import type { ModelSpec, TokenParam } from "./model_spec.ts";

/** What a model was found to refuse; absent fields: nothing learnt. */
export interface LearntQuirks {
  /** The model accepts only its default temperature (OpenAI's o-series, gpt-5, …). */
  noTemperature?: boolean;
  /** The field the model takes its length cap in, when it refused the configured one. */
  tokenParam?: TokenParam;
}

/**
 * What each model (by endpoint and model id) was found to refuse, so that only its first call
 * in a process pays for the refused request. In memory only: a restart learns again, and a
 * server that changes its mind is asked the configured way after one.
 */
export interface QuirkMemory {
  get(model: ModelSpec): LearntQuirks;
  learn(model: ModelSpec, quirks: LearntQuirks): void;
}

/**
 * A fresh, empty memory; tests take their own, the process shares {@link PROCESS_QUIRKS}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createQuirkMemory } from "./model_quirks.ts";
 *
 * const memory = createQuirkMemory();
 * const model = {
 *   name: "o", baseUrl: "https://api.openai.com/v1", model: "o3-mini", temperature: 0,
 *   maxTokens: 1000, timeoutS: 60, structuredOutput: "json_schema" as const,
 * };
 * memory.learn(model, { noTemperature: true });
 * assert.deepEqual(memory.get({ ...model, baseUrl: "https://api.openai.com/v1/" }), {
 *   noTemperature: true,
 * });
 * ```
 */
export function createQuirkMemory(): QuirkMemory {
  const learnt = new Map<string, LearntQuirks>();
  // Bounded: configs name models, and a hostile one could name a million.
  const MAX_MODELS = 1_000;
  const key = (m: ModelSpec) => `${endpointKey(m.baseUrl)}\n${m.model}`;
  return {
    get: (model) => learnt.get(key(model)) ?? {},
    learn(model, quirks) {
      const k = key(model);
      if (!learnt.has(k) && learnt.size >= MAX_MODELS) {
        learnt.delete(learnt.keys().next().value!);
      }
      learnt.set(k, { ...learnt.get(k), ...quirks });
    },
  };
}

/** The memory every call of this process shares unless handed another. */
export const PROCESS_QUIRKS: QuirkMemory = createQuirkMemory();

/**
 * True when a 400/422 says the model does not take `temperature` (or not this value), as
 * OpenAI says it for reasoning models: "Unsupported value: 'temperature' does not support 0
 * with this model. Only the default (1) value is supported."
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rejectsTemperature } from "./model_quirks.ts";
 *
 * const said = "Unsupported parameter: 'temperature' is not supported with this model.";
 * assert.equal(rejectsTemperature(400, said), true);
 * assert.equal(rejectsTemperature(400, "context length exceeded"), false);
 * ```
 */
export function rejectsTemperature(status: number | undefined, body: string): boolean {
  if (status !== 400 && status !== 422) return false;
  return /temperature/i.test(body) &&
    /unsupported|not supported|does not support|only the default|not allowed|invalid|unknown|unrecognized/i
      .test(body);
}

/**
 * The token field to use instead when a 400/422 refuses `sent`: OpenAI's reasoning models say
 * "'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead", and an
 * older server refuses `max_completion_tokens` as an unknown field. Undefined: not about it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { otherTokenParam } from "./model_quirks.ts";
 *
 * const said = "Unsupported parameter: 'max_tokens' is not supported with this model. " +
 *   "Use 'max_completion_tokens' instead.";
 * assert.equal(otherTokenParam(400, said, "max_tokens"), "max_completion_tokens");
 * assert.equal(otherTokenParam(400, said, "max_completion_tokens"), undefined);
 * ```
 */
export function otherTokenParam(
  status: number | undefined,
  body: string,
  sent: TokenParam,
): TokenParam | undefined {
  if (status !== 400 && status !== 422) return undefined;
  const other: TokenParam = sent === "max_tokens" ? "max_completion_tokens" : "max_tokens";
  // The refused name, not merely mentioned: "use max_completion_tokens" names the one wanted.
  const refused = new RegExp(
    `['"\`]?${sent}['"\`]?\\s+(is\\s+)?(not supported|unsupported|not allowed|is unknown)|` +
      `(unsupported|unknown|unrecognized|extra|invalid)( request)? (parameter|field|argument|key|input)s?:?\\s*\\[?['"\`]?${sent}\\b|` +
      `use\\s+['"\`]?${other}`,
    "i",
  );
  return refused.test(body) ? other : undefined;
}
