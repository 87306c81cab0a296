/**
 * The JSON schema of the findings contract, for servers that support structured outputs.
 * @module
 */

/**
 * JSON schema of the answer `{"findings": [{path, line, code, end_line, severity, title, body,
 * suggestion}]}`, written for OpenAI strict mode: every property is required and the optional
 * ones are nullable (`null` means "not given"), objects allow no extra properties. The parser
 * accepts both `null` and a missing key for the optional fields, so prompt-only models may
 * leave them out.
 */
export const FINDINGS_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["findings"],
  properties: {
    findings: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: [
          "path",
          "line",
          "code",
          "end_line",
          "severity",
          "title",
          "body",
          "suggestion",
        ],
        properties: {
          path: { type: "string" },
          line: { type: "integer" },
          // Right after the line, so a model generating in order grounds the number in the code.
          code: { type: ["string", "null"] },
          end_line: { type: ["integer", "null"] },
          severity: {
            anyOf: [{ type: "string", enum: ["blocker", "warning", "info"] }, { type: "null" }],
          },
          title: { type: "string" },
          body: { type: "string" },
          suggestion: { type: ["string", "null"] },
        },
      },
    },
  },
} as const;

/** The `name` sent with the schema in `response_format.json_schema`. */
export const FINDINGS_SCHEMA_NAME = "loom_findings";
