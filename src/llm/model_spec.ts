/**
 * How Loom reaches one configured model.
 * @module
 */

/**
 * One model endpoint as the operator configured it: any OpenAI-compatible server (OpenAI,
 * Ollama, vLLM, llama.cpp, LM Studio, a gateway ...).
 *
 * @example
 * ```ts
 * import type { ModelSpec } from "./model_spec.ts";
 *
 * const local: ModelSpec = {
 *   name: "local",
 *   baseUrl: "http://127.0.0.1:11434/v1",
 *   model: "qwen2.5-coder:7b",
 *   temperature: 0,
 *   maxTokens: 4096,
 *   timeoutS: 120,
 *   structuredOutput: "json_object",
 * };
 * ```
 */
export interface ModelSpec {
  /** Loom's name for this model (from config); used in error messages and logs. */
  name: string;
  /** The server's base URL, ending in `/v1` for most servers. */
  baseUrl: string;
  /** Bearer token; leave unset for servers without auth (a local Ollama). Never logged. */
  apiKey?: string;
  /** The model id the server expects, e.g. `gpt-4o-mini`. */
  model: string;
  /** `null`: not sent, for models that accept only their default (reasoning models). */
  temperature: number | null;
  /** The cap on the answer's length, sent as {@link ModelSpec.tokenParam}. */
  maxTokens: number;
  /**
   * The request field carrying `maxTokens`: `max_tokens` (default) or `max_completion_tokens`
   * (OpenAI's reasoning models). A server that rejects one is asked with the other.
   */
  tokenParam?: TokenParam;
  /**
   * Read the answer as server-sent events: `timeoutS` is then the longest silence between
   * chunks, not the whole answer's time, so a slow local model is not cut while it writes.
   */
  stream?: boolean;
  /**
   * Calls in flight at once to this model's server, across every job of the process (see
   * `EndpointLimiter`); unset: the server's `LOOM_LLM_MAX_CONCURRENCY`.
   */
  maxConcurrency?: number;
  /** Time limit for each HTTP call (a re-ask gets its own), in seconds. */
  timeoutS: number;
  /**
   * How to ask for JSON: `json_schema` (OpenAI structured outputs, strict schema),
   * `json_object` (JSON mode) or `none` (the prompt alone carries the contract). A server that
   * rejects the mode is retried with the next weaker one, see `askForFindings`.
   */
  structuredOutput: StructuredOutput;
}

/**
 * The ways a server can be asked for JSON, strongest first: the values `structured_output` may
 * take in a repository's config, and the order a call steps down in when a server rejects one.
 */
export const STRUCTURED_OUTPUTS = ["json_schema", "json_object", "none"] as const;

/** One of {@link STRUCTURED_OUTPUTS}. */
export type StructuredOutput = typeof STRUCTURED_OUTPUTS[number];

/** The request fields a server may expect the answer's length cap in. */
export const TOKEN_PARAMS = ["max_tokens", "max_completion_tokens"] as const;

/** One of {@link TOKEN_PARAMS}. */
export type TokenParam = typeof TOKEN_PARAMS[number];
