import assert from "node:assert/strict";
import { errorBody } from "./error_body.ts";

Deno.test("a JSON object is handed back to pick the message from", () => {
  assert.deepEqual(errorBody('{"message":"Not Found","errors":[]}'), {
    message: "Not Found",
    errors: [],
  });
});

Deno.test("any other body is its text, trimmed and cut to 300 characters", () => {
  assert.equal(errorBody("  Retry later\n"), "Retry later");
  assert.equal(errorBody("x".repeat(400)), "x".repeat(300));
  assert.equal(errorBody('"quota exceeded"'), "quota exceeded");
  assert.equal(errorBody("null"), "null");
  assert.equal(errorBody("42"), "42");
});
