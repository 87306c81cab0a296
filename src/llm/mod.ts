/**
 * Talking to OpenAI-compatible models: ask for review findings, get validated findings back or
 * a classified {@link LlmError}.
 *
 * @example
 * ```ts
 * import { askForFindings, type ChatMessage, type ModelSpec } from "./mod.ts";
 *
 * async function findingsOf(model: ModelSpec, messages: ChatMessage[], signal: AbortSignal) {
 *   return (await askForFindings({ model, messages, signal })).findings;
 * }
 * ```
 * @module
 */

export { askForFindings } from "./ask_for_findings.ts";
export type { AskForFindingsOptions, FindingsAnswer } from "./ask_for_findings.ts";
export type { ChatMessage } from "./chat_message.ts";
export { FINDINGS_JSON_SCHEMA } from "./findings_json_schema.ts";
export { LlmError } from "./llm_error.ts";
export type { LlmErrorKind, LlmErrorOptions } from "./llm_error.ts";
export { type ModelSpec, STRUCTURED_OUTPUTS, type StructuredOutput } from "./model_spec.ts";
export { parseFindings } from "./parse_findings.ts";
export type { ParsedFindings } from "./parse_findings.ts";
export type { Usage } from "./usage.ts";
