import assert from "node:assert/strict";
import { displayUrl, redact } from "./redact.ts";

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
