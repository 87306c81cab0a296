/**
 * Asking a server for JSON, and stepping down when it cannot.
 * @module
 */

import { FINDINGS_JSON_SCHEMA, FINDINGS_SCHEMA_NAME } from "./findings_json_schema.ts";
import { STRUCTURED_OUTPUTS, type StructuredOutput } from "./model_spec.ts";

/** The `response_format` request field for a structured-output mode. */
export type ResponseFormat =
  | {
    type: "json_schema";
    json_schema: { name: string; strict: boolean; schema: Record<string, unknown> };
  }
  | { type: "json_object" };

/**
 * The `response_format` to send for a mode; `undefined` for `none` (the field is left out).
 *
 * Strict mode is on: the schema is written for it (see {@link FINDINGS_JSON_SCHEMA}), and on
 * OpenAI it guarantees the shape instead of merely hinting at it.
 */
export function responseFormat(mode: StructuredOutput): ResponseFormat | undefined {
  if (mode === "json_schema") {
    return {
      type: "json_schema",
      json_schema: { name: FINDINGS_SCHEMA_NAME, strict: true, schema: FINDINGS_JSON_SCHEMA },
    };
  }
  if (mode === "json_object") return { type: "json_object" };
  return undefined;
}

/**
 * The modes to try, in order, starting from the configured one: many local servers reject
 * `json_schema` (and LM Studio rejects `json_object`), so a call steps down rather than fail.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fallbackChain } from "./response_format.ts";
 *
 * assert.deepEqual(fallbackChain("json_schema"), ["json_schema", "json_object", "none"]);
 * assert.deepEqual(fallbackChain("json_object"), ["json_object", "none"]);
 * ```
 */
export function fallbackChain(mode: StructuredOutput): StructuredOutput[] {
  return STRUCTURED_OUTPUTS.slice(STRUCTURED_OUTPUTS.indexOf(mode));
}

/**
 * True when an HTTP error says the server does not support the requested `response_format`:
 * a 400 or 422 whose body mentions it. Other 4xx (bad key, unknown model, context too long)
 * are not worth a second try.
 */
export function rejectsResponseFormat(status: number | undefined, body: string): boolean {
  if (status !== 400 && status !== 422) return false;
  return /response_format|response format|json_schema|json_object|structured output/i.test(body);
}
