import assert from "node:assert/strict";
import {
  fingerprintOf,
  isLoomComment,
  replyText,
  summaryBody,
  summaryText,
  withFingerprint,
} from "./_markers.ts";

Deno.test("a summary round-trips through its marker, and only a leading marker makes one", () => {
  const body = "## Loom review\n\n1 warning.";
  assert.equal(summaryText(body), "[loom-summary]: #\n\n## Loom review\n\n1 warning.");
  assert.equal(summaryBody(summaryText(body)), body);
  assert.equal(
    summaryBody("[loom-summary]: #\r\n\r\nCRLF kept by an editor"),
    "CRLF kept by an editor",
  );
  assert.equal(summaryBody("Quote: [loom-summary]: #\n\nx"), null);
  assert.equal(summaryBody("[loom-summary]: #trailing"), null);
});

Deno.test("an inline comment carries its fingerprint on the last line, and nothing else does", () => {
  const text = withFingerprint("Use a bound parameter.", "0123abcdef456789");
  assert.equal(text, "Use a bound parameter.\n\n[loom-fp-0123abcdef456789]: #");
  assert.deepEqual(fingerprintOf(text), {
    fingerprint: "0123abcdef456789",
    body: "Use a bound parameter.",
  });
  assert.equal(fingerprintOf("[loom-fp-abc]: # in the middle\nof text"), null);
  assert.throws(() => withFingerprint("x", "has space]"), /cannot be used in a marker/);
});

Deno.test("any of Loom's markers on a line of its own marks a comment as Loom's", () => {
  assert.equal(isLoomComment(replyText("/loom review")), true);
  assert.equal(isLoomComment(withFingerprint("x", "f1")), true);
  assert.equal(isLoomComment(summaryText("x")), true);
  assert.equal(isLoomComment("/loom review [loom-reply]: # inline"), false);
  assert.equal(isLoomComment("/loom review"), false);
});
