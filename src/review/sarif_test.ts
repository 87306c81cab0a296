import assert from "node:assert/strict";
// ajv first: it is ajv-draft-04's optional peer, and resolves to ajv 8 only when in the graph.
import "ajv";
import Ajv04 from "ajv-draft-04";
// The official SARIF 2.1.0 schema (draft-04), as shipped inside this package.
import sarifSchema from "@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json" with {
  type: "json",
};
import { findingMaker } from "./_finding_fixture.ts";
import { toSarif } from "./sarif.ts";

// The package is CommonJS: its class is `.default` to the type checker and at run time alike.
// The schema has a pattern invalid in unicode mode. Its formats are checked with the URL parser
// (ajv-formats would be another dependency): a path must become a valid relative URI.
const validate = new Ajv04.default({ allErrors: true, strict: false, unicodeRegExp: false })
  .addFormat("uri", (s: string) => URL.canParse(s))
  .addFormat(
    "uri-reference",
    (s: string) => !/[\s%](?![0-9A-Fa-f]{2})/.test(s) && URL.canParse(s, "file:///"),
  )
  .addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)))
  .compile(sarifSchema);

const finding = findingMaker({ fingerprint: "00112233aabbccdd" });

const FINDINGS = [
  finding({ severity: "blocker", title: "SQL injection", line: 12, end_line: 14 }),
  finding({ path: "docs/read me.md", severity: "info", pipeline: "docs", body: "" }),
  finding({ severity: "warning", pipeline: "style", line: 3, inDiff: false }),
];

Deno.test("the SARIF log validates against the SARIF 2.1.0 schema", () => {
  const log = toSarif(FINDINGS, { version: "0.1.0", informationUri: "https://example.com/loom" });
  const ok = validate(JSON.parse(JSON.stringify(log)));
  assert.ok(ok, JSON.stringify(validate.errors, null, 2));
  assert.ok(validate(toSarif([], { version: "0.1.0" })), JSON.stringify(validate.errors));
});

Deno.test("the schema check rejects a broken log, so passing it means something", () => {
  const log = toSarif(FINDINGS, { version: "0.1.0" });
  const broken = JSON.parse(JSON.stringify(log));
  broken.runs[0].results[0].level = "critical";
  assert.equal(validate(broken), false);
  const rawPath = JSON.parse(JSON.stringify(log));
  rawPath.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = "docs/read me.md";
  assert.equal(validate(rawPath), false);
});

Deno.test("each finding becomes a result with level, message, location and fingerprint", () => {
  const log = toSarif(FINDINGS, { version: "0.1.0" });
  assert.equal(log.version, "2.1.0");
  assert.equal(log.$schema, "https://json.schemastore.org/sarif-2.1.0.json");
  const { driver } = log.runs[0].tool;
  assert.deepEqual([driver.name, driver.version], ["Loom", "0.1.0"]);
  assert.deepEqual(driver.rules.map((r) => r.id), ["docs", "security", "style"]);

  const results = log.runs[0].results;
  assert.deepEqual(
    results.map((r) => [
      r.ruleId,
      driver.rules[r.ruleIndex].id,
      r.level,
      r.locations[0].physicalLocation.artifactLocation.uri,
      r.locations[0].physicalLocation.region,
    ]),
    [
      ["docs", "docs", "note", "docs/read%20me.md", { startLine: 10, endLine: 10 }],
      ["style", "style", "warning", "src/app.ts", { startLine: 3, endLine: 3 }],
      ["security", "security", "error", "src/app.ts", { startLine: 12, endLine: 14 }],
    ],
  );
  assert.equal(results[0].message.text, "A finding");
  assert.equal(results[2].message.text, "SQL injection\n\nWhy it matters.");
  assert.deepEqual(results[2].partialFingerprints, { "loom/v1": "00112233aabbccdd" });
  assert.deepEqual(results.map((r) => r.properties.inDiff), [true, false, true]);
});

Deno.test("the same findings in another order give the same log", () => {
  assert.deepEqual(
    toSarif([...FINDINGS].reverse(), { version: "1" }),
    toSarif(FINDINGS, { version: "1" }),
  );
});
