import assert from "node:assert/strict";
import { parseRetryAfter, untilReset } from "./retry_after.ts";

const NOW = Date.parse("2026-01-01T00:00:00Z");

Deno.test("Retry-After in seconds", () => {
  assert.equal(parseRetryAfter("7", NOW), 7000);
  assert.equal(parseRetryAfter("1.5", NOW), 1500);
});

Deno.test("Retry-After as an HTTP date counts from now; a past date means now", () => {
  assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", NOW), 30_000);
  assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", NOW + 60_000), 0);
});

Deno.test("a missing, empty or unreadable Retry-After gives undefined", () => {
  for (const value of [null, "", "  ", "soon"]) {
    assert.equal(parseRetryAfter(value, NOW), undefined);
  }
});

Deno.test("a reset in epoch seconds is the wait until then, plus the margin", () => {
  const reset = String(NOW / 1000 + 60);
  assert.equal(untilReset(reset, NOW), 60_000);
  assert.equal(untilReset(reset, NOW, 1000), 61_000);
  assert.equal(untilReset(reset, NOW + 120_000, 1000), 1000);
});

Deno.test("a missing or meaningless reset gives undefined", () => {
  for (const value of [null, "", "0", "-5", "soon"]) {
    assert.equal(untilReset(value, NOW, 1000), undefined);
  }
});
