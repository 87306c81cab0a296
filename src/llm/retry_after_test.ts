import assert from "node:assert/strict";
import { retryAfterMs } from "./retry_after.ts";

Deno.test("Retry-After in seconds", () => {
  assert.equal(retryAfterMs(new Headers({ "retry-after": "7" })), 7000);
  assert.equal(retryAfterMs(new Headers({ "retry-after": "1.5" })), 1500);
});

Deno.test("Retry-After as an HTTP date counts from now; a past date means now", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  const headers = new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" });
  assert.equal(retryAfterMs(headers, now), 30_000);
  assert.equal(retryAfterMs(headers, now + 60_000), 0);
});

Deno.test("retry-after-ms wins over Retry-After", () => {
  const headers = new Headers({ "retry-after-ms": "250", "retry-after": "9" });
  assert.equal(retryAfterMs(headers), 250);
});

Deno.test("no or unreadable header gives undefined", () => {
  assert.equal(retryAfterMs(new Headers()), undefined);
  assert.equal(retryAfterMs(new Headers({ "retry-after": "soon" })), undefined);
});
