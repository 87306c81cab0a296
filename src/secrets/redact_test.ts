import assert from "node:assert/strict";
import { displayUrl, redact, scrubCredentials } from "./redact.ts";

Deno.test("the API key and base URL credentials are replaced wherever they appear", () => {
  const model = {
    apiKey: "sk-live-123456",
    baseUrl: "https://bob:p%40ss@gw.example/v1?key=qwerty",
  };
  const text = "bad key sk-live-123456 for https://bob:p%40ss@gw.example/v1?key=qwerty (p@ss)";
  const out = redact(text, model);
  for (const secret of ["sk-live-123456", "p%40ss", "p@ss", "qwerty"]) {
    assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
  }
});

Deno.test("display URLs drop user info and query", () => {
  assert.equal(displayUrl("https://bob:pw@gw.example/v1/?key=abc#x"), "https://gw.example/v1");
  assert.equal(displayUrl("http://127.0.0.1:11434/v1"), "http://127.0.0.1:11434/v1");
});

Deno.test("credential shapes are masked without knowing the secret", () => {
  assert.equal(
    scrubCredentials("401 for Authorization: Bearer abcdef1234567890 (api_key=sk-live-1234567890)"),
    // The value runs to the next space or quote, so the closing parenthesis goes with it.
    "401 for Authorization: Bearer *** (api_key=***",
  );
  assert.equal(scrubCredentials("basic dXNlcjpwYXNz ok"), "basic *** ok");
  assert.equal(scrubCredentials("key sk-abcdefgh12 used"), "key sk-*** used");
  assert.equal(
    scrubCredentials(`{"access_token": "ghs_12345678", password=hunter22; secret:'s3cr3t'}`),
    `{"access_token": "***", password=***; secret:'***'}`,
  );
  // Too short to be a credential: ordinary words stay.
  assert.equal(scrubCredentials("Bearer short token=abc"), "Bearer short token=abc");
});

Deno.test("secrets in urls: a key given as the base URL's user name or an encoded query value is redacted from messages", () => {
  const model = { baseUrl: "https://gw-user-key@gw.example/v1?api-key=k%2By%2Fz%3D9" };
  const out = redact(
    "401 from https://gw-user-key@gw.example/v1?api-key=k%2By%2Fz%3D9 (k+y/z=9)",
    model,
  );
  for (const secret of ["gw-user-key", "k%2By%2Fz%3D9", "k+y/z=9"]) {
    assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
  }
});
