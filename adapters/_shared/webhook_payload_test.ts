import assert from "node:assert/strict";
import { z } from "zod";
import { checkPayload, readPayload } from "./webhook_payload.ts";
import { WebhookPayloadError } from "../../src/platform/mod.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("readPayload parses JSON and refuses anything else", () => {
  assert.deepEqual(readPayload(bytes('{"a":1}')), { a: 1 });
  assert.throws(() => readPayload(bytes("{")), {
    name: "WebhookPayloadError",
    message: "the body is not valid JSON",
  });
});

Deno.test("checkPayload names a missing field, and a field of the wrong type", () => {
  const schema = z.object({ pull: z.object({ number: z.number() }) });
  assert.deepEqual(checkPayload(schema, { pull: { number: 7 } }, "e"), { pull: { number: 7 } });
  assert.throws(() => checkPayload(schema, { pull: {} }, "pull_request"), {
    name: "WebhookPayloadError",
    message: "pull_request payload: pull.number is missing",
  });
  assert.throws(
    () => checkPayload(schema, { pull: { number: "7" } }, "pull_request"),
    (e: unknown) =>
      e instanceof WebhookPayloadError && /^pull_request payload: pull\.number: /.test(e.message),
  );
  assert.throws(
    () => checkPayload(schema, null, "e"),
    (e: unknown) => e instanceof WebhookPayloadError && /^e payload: the body: /.test(e.message),
  );
});
