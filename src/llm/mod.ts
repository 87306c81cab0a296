/**
 * Talking to OpenAI-compatible models: ask for review findings, get validated findings back or
 * a classified {@link LlmError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { askForFindings, LlmError, type ModelSpec } from "./mod.ts";
 *
 * const model: ModelSpec = {
 *   name: "fast", baseUrl: "http://model.test/v1", model: "m", temperature: 0,
 *   maxTokens: 1000, timeoutS: 30, structuredOutput: "json_schema",
 * };
 * // A server that is out of quota for two seconds.
 * const busy = () =>
 *   Promise.resolve(Response.json({ error: { message: "slow down" } }, {
 *     status: 429,
 *     headers: { "retry-after": "2" },
 *   }));
 *
 * await assert.rejects(
 *   askForFindings({ model, messages: [{ role: "user", content: "Review: ..." }], fetch: busy }),
 *   (e) => e instanceof LlmError && e.kind === "rate_limited" && e.retryAfterMs === 2000,
 * );
 * ```
 * @module
 */

export { askForFindings } from "./ask_for_findings.ts";
export type { AskForFindingsOptions, FindingsAnswer } from "./ask_for_findings.ts";
export { chatCall } from "./chat_call.ts";
export type { ChatAnswer, ChatCallOptions } from "./chat_call.ts";
export type { ChatMessage } from "./chat_message.ts";
export { findJson } from "./extract_json.ts";
export { FINDINGS_JSON_SCHEMA } from "./findings_json_schema.ts";
export { LlmError } from "./llm_error.ts";
export type { LlmErrorKind, LlmErrorOptions } from "./llm_error.ts";
export {
  type ModelSpec,
  STRUCTURED_OUTPUTS,
  type StructuredOutput,
  TOKEN_PARAMS,
  type TokenParam,
} from "./model_spec.ts";
export {
  createEndpointLimiter,
  endpointKey,
  type EndpointLimiter,
  processLimiter,
} from "./endpoint_limiter.ts";
export { createQuirkMemory, type QuirkMemory } from "./model_quirks.ts";
export { parseFindings } from "./parse_findings.ts";
export type { ParsedFindings } from "./parse_findings.ts";
export { addUsage, NO_USAGE, type Usage } from "./usage.ts";
export type { SpendMeter } from "./spend_meter.ts";
export { costOf, type ModelPrice, type PriceList, usdText } from "./prices.ts";
export {
  type ModelCallTranscript,
  recordTranscripts,
  type TranscriptRecorder,
} from "./transcript_fetch.ts";
