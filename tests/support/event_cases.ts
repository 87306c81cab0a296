/**
 * What the adapters' event tests share: payloads as the raw bytes a webhook carries, what a parsed
 * event amounts to, and the {@link WebhookPayloadError} a malformed delivery must throw.
 * @module
 */

import assert from "node:assert/strict";
import { type PlatformEvent, WebhookPayloadError } from "../../src/platform/mod.ts";

/** `value` as a webhook body: a string as it is, anything else as JSON (indented by `space`). */
export function bytes(value: unknown, space?: number): Uint8Array {
  return new TextEncoder().encode(
    typeof value === "string" ? value : JSON.stringify(value, null, space),
  );
}

/** What an event amounts to in one word or sentence: the reason of a review or an ignored event, else its type. */
export function outcome(event: PlatformEvent): string {
  return event.type === "review" || event.type === "ignored" ? event.reason : event.type;
}

/** Runs `parse` and returns the message of the WebhookPayloadError it throws; fails otherwise. */
export function payloadError(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    assert.ok(error instanceof WebhookPayloadError, String(error));
    return error.message;
  }
  assert.fail("expected a WebhookPayloadError");
}
