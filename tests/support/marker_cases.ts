/**
 * What Loom's hidden comment markers must do, whatever their spelling: written once and run by
 * each marker flavour's own test (HTML comments in `adapters/_shared/html_markers_test.ts`,
 * Markdown link references in `adapters/bitbucket/_markers_test.ts`), as the adapter contract is.
 * Each test file keeps the cases only its flavour has.
 * @module
 */

import assert from "node:assert/strict";

/** The marker functions a flavour offers. */
export interface Markers {
  summaryText(body: string): string;
  summaryBody(raw: string): string | null;
  replyText(body: string): string;
  withFingerprint(body: string, fingerprint: string): string;
  fingerprintOf(raw: string): { fingerprint: string; body: string } | null;
  isLoomComment(raw: string): boolean;
}

/** How a flavour spells its markers: the summary's, and the one carrying `fingerprint`. */
export interface MarkerSpelling {
  summary: string;
  fingerprint(fingerprint: string): string;
}

/** Registers the cases every marker flavour passes, named after `flavour`. */
export function runMarkerCases(flavour: string, m: Markers, spelling: MarkerSpelling): void {
  const test = (name: string, fn: () => void) => Deno.test(`${flavour} markers: ${name}`, fn);

  test("a summary round-trips through its marker, and only a leading marker makes one", () => {
    const body = "## Loom review\n\n1 warning.";
    assert.equal(m.summaryText(body), `${spelling.summary}\n\n${body}`);
    assert.equal(m.summaryBody(m.summaryText(body)), body);
    assert.equal(m.summaryBody(`${spelling.summary}\r\n\r\nCRLF kept`), "CRLF kept");
    assert.equal(m.summaryBody(`Quote: ${spelling.summary}\n\nx`), null);
  });

  test("an inline comment carries its fingerprint on the last line, and nothing else does", () => {
    const text = m.withFingerprint("Use a bound parameter.", "0123abcdef456789");
    assert.equal(text, `Use a bound parameter.\n\n${spelling.fingerprint("0123abcdef456789")}`);
    assert.deepEqual(m.fingerprintOf(text), {
      fingerprint: "0123abcdef456789",
      body: "Use a bound parameter.",
    });
    assert.deepEqual(m.fingerprintOf(text + "\r\n"), m.fingerprintOf(text));
    assert.equal(m.fingerprintOf(`${spelling.fingerprint("abc")} in the middle\nof text`), null);
  });

  test("any marker makes a comment Loom's own", () => {
    assert.equal(m.isLoomComment(m.replyText("/loom review runs a review")), true);
    assert.equal(m.isLoomComment(m.withFingerprint("x", "f1")), true);
    assert.equal(m.isLoomComment(m.summaryText("x")), true);
    assert.equal(m.isLoomComment("/loom review"), false);
  });
}
