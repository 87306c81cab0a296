import assert from "node:assert/strict";
import {
  fingerprintOf,
  isLoomComment,
  landedByFingerprint,
  markedInline,
  markedSummary,
  replyText,
  summaryBody,
  summaryText,
  withFingerprint,
} from "./html_markers.ts";

Deno.test("a summary round-trips through its marker, and only a leading marker makes one", () => {
  const body = "## Loom review\n\n1 warning.";
  assert.equal(summaryText(body), "<!-- loom:summary -->\n\n## Loom review\n\n1 warning.");
  assert.equal(summaryBody(summaryText(body)), body);
  assert.equal(summaryBody("<!-- loom:summary -->\r\n\r\nCRLF kept"), "CRLF kept");
  assert.equal(summaryBody("Quote: <!-- loom:summary -->\n\nx"), null);
});

Deno.test("an inline comment carries its fingerprint on the last line, and nothing else does", () => {
  const text = withFingerprint("Use a bound parameter.", "0123abcdef");
  assert.equal(text, "Use a bound parameter.\n\n<!-- loom:fp:0123abcdef -->");
  assert.deepEqual(fingerprintOf(text), {
    fingerprint: "0123abcdef",
    body: "Use a bound parameter.",
  });
  assert.deepEqual(fingerprintOf(text + "\r\n"), fingerprintOf(text));
  assert.equal(fingerprintOf("<!-- loom:fp:abc --> in the middle\nof text"), null);
});

Deno.test("any marker makes a comment Loom's own", () => {
  assert.equal(isLoomComment(replyText("/loom review runs a review")), true);
  assert.equal(isLoomComment(summaryText("x")), true);
  assert.equal(isLoomComment("/loom review"), false);
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
