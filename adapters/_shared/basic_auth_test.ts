import assert from "node:assert/strict";
import { basicAuthorization } from "./basic_auth.ts";

Deno.test("Basic authorization is base64 of user:password in UTF-8", () => {
  assert.equal(basicAuthorization("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  assert.equal(basicAuthorization("", "pat"), `Basic ${btoa(":pat")}`);
  assert.equal(basicAuthorization("é", "ü"), "Basic w6k6w7w=");
});
