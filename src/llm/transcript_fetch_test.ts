import assert from "node:assert/strict";
import { recordTranscripts } from "./transcript_fetch.ts";

const chat = (url: string, f: typeof fetch) =>
  f(url, {
    method: "POST",
    headers: { "api-key": "azure-secret-key-123" },
    body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "Hi" }] }),
  });

Deno.test("transcript fetch: a streamed answer is kept as sent, its bytes passed through untouched", async () => {
  const events = 'data: {"choices":[{"delta":{"content":"o"}}]}\n\ndata: [DONE]\n\n';
  const server = () =>
    Promise.resolve(new Response(events, { headers: { "content-type": "text/event-stream" } }));
  const recorder = recordTranscripts(server, { maxChars: 1000, maxCalls: 5 });
  const res = await chat(
    "http://gw.test/openai/chat/completions?api-version=2024-06-01",
    recorder.fetch,
  );
  assert.equal(await res.text(), events, "the caller reads every byte");
  const [call] = recorder.calls();
  assert.equal(call.response, events);
  assert.equal(call.status, 200);
});

Deno.test("transcript fetch: an answer past the cap keeps its start and says how much was left out", async () => {
  const server = () => Promise.resolve(new Response("x".repeat(5000)));
  const recorder = recordTranscripts(server, { maxChars: 100, maxCalls: 5 });
  const res = await chat("http://m.test/v1/chat/completions", recorder.fetch);
  assert.equal((await res.text()).length, 5000);
  const [call] = recorder.calls();
  assert.ok(call.response.startsWith("x".repeat(100)));
  assert.match(call.response, /\[4900 more characters not kept\]$/);
});

Deno.test("transcript fetch: a refused connection is recorded without an answer; the Azure key header is redacted", async () => {
  const server = () => Promise.reject(new TypeError("connection refused for azure-secret-key-123"));
  const recorder = recordTranscripts(server, { maxChars: 1000, maxCalls: 5 });
  await assert.rejects(chat("http://m.test/v1/chat/completions", recorder.fetch), TypeError);
  const [call] = recorder.calls();
  assert.equal(call.status, null);
  assert.equal(call.response, "(no answer: connection refused for ***)");
});

Deno.test("transcript fetch: other requests and calls past the limit pass through unrecorded", async () => {
  const server = () => Promise.resolve(new Response("{}"));
  const recorder = recordTranscripts(server, { maxChars: 1000, maxCalls: 1 });
  await (await recorder.fetch("http://m.test/v1/models")).text();
  await (await chat("http://m.test/v1/chat/completions", recorder.fetch)).text();
  await (await chat("http://m.test/v1/chat/completions", recorder.fetch)).text();
  assert.deepEqual(recorder.calls().map((c) => c.seq), [1]);
});
