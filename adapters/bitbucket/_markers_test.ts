import assert from "node:assert/strict";
import { runMarkerCases } from "../../tests/support/marker_cases.ts";
import * as markers from "./_markers.ts";

const { isLoomComment, summaryBody, withFingerprint } = markers;

runMarkerCases("Bitbucket link reference", markers, {
  summary: "[loom-summary]: #",
  fingerprint: (fp) => `[loom-fp-${fp}]: #`,
});

Deno.test("a summary marker must end its line", () => {
  assert.equal(summaryBody("[loom-summary]: #trailing"), null);
});

Deno.test("a fingerprint Markdown would not read as a label is refused", () => {
  assert.throws(() => withFingerprint("x", "has space]"), /cannot be used in a marker/);
});

Deno.test("a marker inside a line does not make a comment Loom's", () => {
  assert.equal(isLoomComment("/loom review [loom-reply]: # inline"), false);
});
