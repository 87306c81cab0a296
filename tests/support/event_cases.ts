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

/**
 * Comments and the command each must read as, on every platform: each `/loom` command (case,
 * spacing, CRLF and words after it as people type them), and `/loom` alone or with an unknown
 * word as help.
 */
const COMMAND_CASES: readonly (readonly [string, string])[] = [
  ["  /LOOM Review  \r\nplease look again", "review"],
  ["/loom help", "help"],
  ["/loom", "help"],
  ["/loom   frobnicate", "help"],
  ["/loom full-review", "full-review"],
  ["/LOOM Pause for now", "pause"],
  ["/loom resume", "resume"],
  ["/loom resolve", "resolve"],
  ["/loom config", "config"],
];

/** Asserts that `read` (a comment's text → the platform's parsed event) reads every command. */
export function assertReadsEveryCommand(read: (text: string) => PlatformEvent): void {
  const commandOf = (e: PlatformEvent) => e.type === "command" ? e.command : e.type;
  assert.deepEqual(
    COMMAND_CASES.map(([text]) => commandOf(read(text))),
    COMMAND_CASES.map(([, command]) => command),
  );
}
