import assert from "node:assert/strict";
import { statusDescription } from "./status_description.ts";

Deno.test("a description over the limit is cut to it, ending in an ellipsis", () => {
  assert.equal(statusDescription("abcdef", 6), "abcdef");
  assert.equal(statusDescription("abcdefg", 6), "abcde…");
  assert.equal(statusDescription("abcdefg", 6).length, 6);
});
