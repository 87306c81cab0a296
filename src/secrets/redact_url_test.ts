import assert from "node:assert/strict";
import { redactUrls } from "./redact_url.ts";
import { scrubCredentials } from "./redact.ts";

Deno.test("secrets in urls: query values and user info are masked wherever a URL is shown", () => {
  const cases: [string, string][] = [
    ["https://gw.example/v1?api-key=k3y", "https://gw.example/v1?api-key=***"],
    ["https://KEY123@gw.example/v1", "https://***@gw.example/v1"],
    [
      "https://bob:p%40ss@gw.example/v1?a=1&b=&c#frag",
      "https://bob:***@gw.example/v1?a=***&b=***&***#frag",
    ],
    ["see http://127.0.0.1:8080/x?token=t0k, then", "see http://127.0.0.1:8080/x?token=***, then"],
    ['{"baseUrl":"https://k@h/v1?key=v"}', '{"baseUrl":"https://***@h/v1?key=***"}'],
    ["https://api.openai.com/v1", "https://api.openai.com/v1"],
    ["no url here", "no url here"],
  ];
  for (const [text, shown] of cases) assert.equal(redactUrls(text), shown, text);
});

Deno.test("secrets in urls: the text shown to a pull request masks a URL's query key", () => {
  const out = scrubCredentials("404 for http://gw.example/v1?sig=q9-short/chat/completions");
  assert.ok(!out.includes("q9-short"), out);
});
