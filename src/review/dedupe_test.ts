import assert from "node:assert/strict";
import { dedupeFindings } from "./dedupe.ts";
import { findingMaker } from "./_finding_fixture.ts";

const finding = findingMaker({ path: "a.ts", title: "SQL injection", body: "" });

Deno.test("two pipelines reporting one title on one line become the more severe finding", () => {
  const out = dedupeFindings([
    finding({ pipeline: "security", fingerprint: "a1", severity: "warning", body: "sec" }),
    finding({ pipeline: "general", fingerprint: "b1", severity: "blocker", body: "gen" }),
    finding({
      pipeline: "style",
      fingerprint: "c1",
      title: "sql-Injection!",
      severity: "info",
      body: "sty",
    }),
  ]);
  assert.deepEqual(out.map((f) => f.body), ["gen"]);
});

Deno.test("on equal severity the first finding is kept, in its place", () => {
  const out = dedupeFindings([
    finding({ line: 1, title: "Other", fingerprint: "x" }),
    finding({ pipeline: "security", fingerprint: "a1", body: "first" }),
    finding({ pipeline: "general", fingerprint: "b1", body: "second" }),
  ]);
  assert.deepEqual(out.map((f) => [f.title, f.body]), [["Other", ""], ["SQL injection", "first"]]);
});

Deno.test("different titles, lines or paths are different findings", () => {
  const out = dedupeFindings([
    finding({ fingerprint: "1" }),
    finding({ fingerprint: "2", title: "Missing error handling" }),
    finding({ fingerprint: "3", line: 11 }),
    finding({ fingerprint: "4", path: "b.ts" }),
  ]);
  assert.equal(out.length, 4);
});

Deno.test("one fingerprint on different lines (the same code twice) is one finding", () => {
  const out = dedupeFindings([
    finding({ line: 10, fingerprint: "same", severity: "info" }),
    finding({ line: 30, fingerprint: "same", severity: "warning", body: "kept" }),
  ]);
  assert.deepEqual(out.map((f) => [f.line, f.body]), [[30, "kept"]]);
});
