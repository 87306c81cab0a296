import assert from "node:assert/strict";
import { sameSecret } from "./same_secret.ts";

Deno.test("sameSecret is true only for the very same string", async () => {
  assert.equal(await sameSecret("s3cret", "s3cret"), true);
  assert.equal(await sameSecret("", ""), true);
  assert.equal(await sameSecret("s3cret", "s3creT"), false);
  assert.equal(await sameSecret("s3cret", "s3cret "), false);
  assert.equal(await sameSecret("", "s3cret"), false);
});
