import assert from "node:assert/strict";
import { FINDINGS_JSON_SCHEMA } from "./findings_json_schema.ts";
import { parseFindings } from "./parse_findings.ts";

type Schema = {
  type?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: Schema;
  anyOf?: Schema[];
};

// OpenAI rejects a strict schema unless every object lists all its properties as required and
// forbids others; a field added later without following the rule would break json_schema mode.
Deno.test("the schema follows OpenAI strict-mode rules on every object", () => {
  const visit = (schema: Schema, at: string) => {
    if (schema.properties) {
      assert.equal(schema.additionalProperties, false, `${at}: additionalProperties`);
      assert.deepEqual(
        [...(schema.required ?? [])].sort(),
        Object.keys(schema.properties).sort(),
        `${at}: every property must be required`,
      );
      for (const [key, child] of Object.entries(schema.properties)) visit(child, `${at}.${key}`);
    }
    if (schema.items) visit(schema.items, `${at}[]`);
    for (const option of schema.anyOf ?? []) visit(option, at);
  };
  visit(FINDINGS_JSON_SCHEMA as unknown as Schema, "$");
  assert.ok(!("anyOf" in FINDINGS_JSON_SCHEMA), "the root may not be anyOf");
});

Deno.test("an answer that quotes its line's code keeps the quote, without repair", () => {
  const answer = {
    findings: [{
      path: "a.ts",
      line: 3,
      code: "  query(q);",
      end_line: null,
      severity: "blocker",
      title: "t",
      body: "b",
      suggestion: null,
    }],
  };
  assert.deepEqual(parseFindings(JSON.stringify(answer)), {
    ok: true,
    findings: [{
      path: "a.ts",
      line: 3,
      code: "  query(q);",
      severity: "blocker",
      title: "t",
      body: "b",
    }],
    repaired: false,
    dropped: 0,
  });
});

Deno.test("an answer that fills the schema's optionals with null parses without repair", () => {
  const answer = {
    findings: [{
      path: "a.ts",
      line: 1,
      code: null,
      end_line: null,
      severity: null,
      title: "t",
      body: "b",
      suggestion: null,
    }],
  };
  const result = parseFindings(JSON.stringify(answer));
  assert.deepEqual(result, {
    ok: true,
    findings: [{ path: "a.ts", line: 1, title: "t", body: "b" }],
    repaired: false,
    dropped: 0,
  });
});
