/**
 * The operator's caps on what a repository's config may ask of the server: the model calls,
 * tokens, context, timeouts and worker slots a review spends are the server's, so a config
 * cannot ask for more than the operator allows. A config over a cap is clamped, never refused
 * (the review still runs), and each clamp is described so the summary can say what changed.
 * @module
 */
import type { RepoConfig } from "./schema.ts";

/** The caps, from the server's settings (`LOOM_MAX_LLM_CALLS` and the rest). */
export interface ServerCaps {
  /** The most model calls one review may make, whatever its repository's config asks. */
  maxLlmCalls: number;
  /** The largest `max_tokens` a repository's model may ask for. */
  maxTokens: number;
  /** The largest `context_window` a repository's model may claim. */
  maxContextWindow: number;
  /** The longest `timeout_s` a repository's model may set, in seconds. */
  maxTimeoutS: number;
  /** The most inline comments one review may post. */
  maxInlineComments: number;
  /** The most pipelines one review may run. */
  maxPipelines: number;
}

/** A config within the caps, and one line per value that was clamped. */
export interface ClampedConfig {
  config: RepoConfig;
  notes: string[];
}

/**
 * `config` with every value above its cap lowered to the cap, and the enabled pipelines past
 * `maxPipelines` disabled (the first ones, in config order, run).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clampToServerCaps } from "./server_caps.ts";
 * import { RepoConfigSchema } from "./schema.ts";
 *
 * const config = RepoConfigSchema.parse({
 *   models: { default: { base_url: "http://localhost:11434/v1", model: "m" } },
 *   pipelines: [{ name: "quality", prompt_file: "builtin:quality" }],
 *   review: { max_llm_calls: 10_000 },
 * });
 * const caps = {
 *   maxLlmCalls: 50,
 *   maxTokens: 16_384,
 *   maxContextWindow: 200_000,
 *   maxTimeoutS: 600,
 *   maxInlineComments: 50,
 *   maxPipelines: 10,
 * };
 * const clamped = clampToServerCaps(config, caps);
 * assert.equal(clamped.config.review.max_llm_calls, 50);
 * assert.deepEqual(clamped.notes, [
 *   "review.max_llm_calls 10000 lowered to 50 (LOOM_MAX_LLM_CALLS)",
 * ]);
 * ```
 */
export function clampToServerCaps(config: RepoConfig, caps: ServerCaps): ClampedConfig {
  const notes: string[] = [];
  const clamp = (what: string, value: number, cap: number, setting: string) => {
    if (value <= cap) return value;
    notes.push(`${what} ${value} lowered to ${cap} (${setting})`);
    return cap;
  };
  const models = Object.fromEntries(
    Object.entries(config.models).map(([name, m]) => [name, {
      ...m,
      max_tokens: clamp(
        `models.${name}.max_tokens`,
        m.max_tokens,
        caps.maxTokens,
        "LOOM_MAX_TOKENS",
      ),
      context_window: clamp(
        `models.${name}.context_window`,
        m.context_window,
        caps.maxContextWindow,
        "LOOM_MAX_CONTEXT_WINDOW",
      ),
      timeout_s: clamp(
        `models.${name}.timeout_s`,
        m.timeout_s,
        caps.maxTimeoutS,
        "LOOM_MAX_TIMEOUT_S",
      ),
    }]),
  );
  const review = {
    ...config.review,
    max_llm_calls: clamp(
      "review.max_llm_calls",
      config.review.max_llm_calls,
      caps.maxLlmCalls,
      "LOOM_MAX_LLM_CALLS",
    ),
    max_inline_comments: clamp(
      "review.max_inline_comments",
      config.review.max_inline_comments,
      caps.maxInlineComments,
      "LOOM_MAX_INLINE_COMMENTS",
    ),
  };
  let enabled = 0;
  const pipelines = config.pipelines.map((p) => {
    if (!p.enabled) return p;
    enabled++;
    return enabled > caps.maxPipelines ? { ...p, enabled: false } : p;
  });
  if (enabled > caps.maxPipelines) {
    const dropped = config.pipelines.filter((p) => p.enabled).slice(caps.maxPipelines);
    notes.push(
      `${enabled} pipelines enabled, the first ${caps.maxPipelines} run (LOOM_MAX_PIPELINES); ` +
        `not run: ${names(dropped.map((p) => p.name))}`,
    );
  }
  return { config: { ...config, models, review, pipelines }, notes };
}

/** Up to five names, then how many more: a hundred pipeline names would swamp the summary. */
function names(all: string[]): string {
  return all.length <= 5
    ? all.join(", ")
    : `${all.slice(0, 5).join(", ")} and ${all.length - 5} more`;
}
