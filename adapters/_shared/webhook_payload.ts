/**
 * Reading a webhook delivery's body into the fields Loom needs, with errors that say which
 * field is off, so that whoever configured the hook can tell what the platform sent.
 * @module
 */

import type { z } from "zod";
import { WebhookPayloadError } from "../../src/platform/mod.ts";

/** The body as JSON; throws {@link WebhookPayloadError} when it is not valid JSON. */
export function readPayload(rawBody: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(rawBody));
  } catch {
    throw new WebhookPayloadError("the body is not valid JSON");
  }
}

/**
 * `body` checked against `schema`; throws {@link WebhookPayloadError} naming `what` (the event)
 * and the first field that is missing or of the wrong type.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { z } from "zod";
 * import { checkPayload } from "./webhook_payload.ts";
 *
 * const schema = z.object({ number: z.number() });
 * assert.deepEqual(checkPayload(schema, { number: 7 }, "pull_request"), { number: 7 });
 * assert.throws(() => checkPayload(schema, {}, "pull_request"), {
 *   name: "WebhookPayloadError",
 *   message: "pull_request payload: number is missing",
 * });
 * ```
 */
export function checkPayload<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.join(".") || "the body";
  const missing = issue.code === "invalid_type" && /received undefined/.test(issue.message);
  throw new WebhookPayloadError(
    missing
      ? `${what} payload: ${field} is missing`
      : `${what} payload: ${field}: ${issue.message}`,
  );
}
