import assert from "node:assert/strict";
import { parseRetryAfter, retryAfterMs, untilReset } from "./retry_after.ts";

Deno.test("retryAfterMs: Retry-After in seconds", () => {
  assert.equal(retryAfterMs(new Headers({ "retry-after": "7" })), 7000);
  assert.equal(retryAfterMs(new Headers({ "retry-after": "1.5" })), 1500);
});

Deno.test("retryAfterMs: Retry-After as an HTTP date counts from now; a past date means now", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  const headers = new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" });
  assert.equal(retryAfterMs(headers, now), 30_000);
  assert.equal(retryAfterMs(headers, now + 60_000), 0);
});

Deno.test("retry-after-ms wins over Retry-After", () => {
  const headers = new Headers({ "retry-after-ms": "250", "retry-after": "9" });
  assert.equal(retryAfterMs(headers), 250);
});

Deno.test("retryAfterMs: no or unreadable header gives undefined", () => {
  assert.equal(retryAfterMs(new Headers()), undefined);
  assert.equal(retryAfterMs(new Headers({ "retry-after": "soon" })), undefined);
});

const NOW = Date.parse("2026-01-01T00:00:00Z");

Deno.test("parseRetryAfter: Retry-After in seconds", () => {
  assert.equal(parseRetryAfter("7", NOW), 7000);
  assert.equal(parseRetryAfter("1.5", NOW), 1500);
});

Deno.test("parseRetryAfter: Retry-After as an HTTP date counts from now; a past date means now", () => {
  assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", NOW), 30_000);
  assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", NOW + 60_000), 0);
});

Deno.test("parseRetryAfter: a missing, empty or unreadable Retry-After gives undefined", () => {
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

Deno.test("model endpoints' seconds are decimal digits; platforms' are any number", () => {
  for (const value of ["1e3", "0x10"]) {
    assert.equal(retryAfterMs(new Headers({ "retry-after": value }), NOW), undefined, value);
  }
  assert.equal(parseRetryAfter("1e3", NOW), 1_000_000);
  assert.equal(parseRetryAfter("0x10", NOW), 16_000);
});
