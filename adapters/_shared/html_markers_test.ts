import assert from "node:assert/strict";
import { runMarkerCases } from "../../tests/support/marker_cases.ts";
import * as markers from "./html_markers.ts";

const { landedByFingerprint, markedInline, markedSummary, summaryText, withFingerprint } = markers;

runMarkerCases("HTML comment", markers, {
  summary: "<!-- loom:summary -->",
  fingerprint: (fp) => `<!-- loom:fp:${fp} -->`,
});

Deno.test("landed comments are grouped by fingerprint, in order, unmarked ones left out", () => {
  const landed = [
    { id: 1, body: withFingerprint("a", "f1") },
    { id: 2, body: "no marker" },
    { id: 3, body: withFingerprint("a again", "f1") },
    { id: 4, body: null },
    { id: 5, body: withFingerprint("b", "f2") },
  ];
  const grouped = landedByFingerprint(landed);
  assert.deepEqual([...grouped.keys()], ["f1", "f2"]);
  assert.deepEqual(grouped.get("f1")?.map((c) => c.id), [1, 3]);
  assert.deepEqual(grouped.get("f2")?.map((c) => c.id), [5]);
});

Deno.test("a platform's comment is read back as Loom's summary or inline comment by its marker", () => {
  assert.deepEqual(markedSummary({ id: 7, body: summaryText("all good") }), {
    id: "7",
    kind: "summary",
    body: "all good",
  });
  assert.equal(markedSummary({ id: 7, body: "all good" }), null);
  assert.deepEqual(markedInline({ id: 8, body: withFingerprint("Bound it.", "fp1") }), {
    id: "8",
    kind: "inline",
    body: "Bound it.",
    fingerprint: "fp1",
  });
  assert.equal(markedInline({ id: 8, body: null }), null);
});
