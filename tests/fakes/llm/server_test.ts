import assert from "node:assert/strict";
import { answer, startFakeLlm } from "./server.ts";

function chat(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

Deno.test("answers chat completions like OpenAI and records what was sent", async () => {
  const llm = await startFakeLlm();
  try {
    llm.script(answer.json({ findings: [] }, { usage: { promptTokens: 7, completionTokens: 3 } }));
    const res = await chat(llm.url, { model: "m1", messages: [{ role: "user", content: "hi" }] }, {
      authorization: "Bearer k",
    });
    const body = await res.json();
    assert.equal(res.status, 200);
    assert.equal(body.object, "chat.completion");
    assert.equal(body.model, "m1");
    assert.deepEqual(body.choices, [{
      index: 0,
      message: { role: "assistant", content: '{"findings":[]}' },
      finish_reason: "stop",
    }]);
    assert.deepEqual(body.usage, { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
    assert.equal(llm.chats()[0].headers.authorization, "Bearer k");
    assert.equal(llm.chats()[0].body.model, "m1");
  } finally {
    await llm.close();
  }
});

Deno.test("plays the script in order, then the default", async () => {
  const llm = await startFakeLlm();
  try {
    llm.script(answer.text("one"), answer.truncated("two"));
    llm.setDefault((req) => answer.text(`echo ${req.body.model}`));
    const got = [];
    for (let i = 0; i < 4; i++) {
      const body = await (await chat(llm.url, { model: `m${i}`, messages: [] })).json();
      got.push([body.choices[0].message.content, body.choices[0].finish_reason]);
    }
    assert.deepEqual(got, [["one", "stop"], ["two", "length"], ["echo m2", "stop"], [
      "echo m3",
      "stop",
    ]]);
  } finally {
    await llm.close();
  }
});

Deno.test("sends HTTP errors with their headers", async () => {
  const llm = await startFakeLlm();
  try {
    llm.script(answer.rateLimited("4"));
    const res = await chat(llm.url, { messages: [] });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), "4");
    assert.equal((await res.json()).error.type, "rate_limit_error");
  } finally {
    await llm.close();
  }
});

Deno.test("trailingCommas really sends JSON that strict parsing rejects", () => {
  const content = answer.trailingCommas({ findings: [{ a: 1 }] }).content ?? "";
  assert.throws(() => JSON.parse(content));
  assert.match(content, /1,\s*}/);
});

Deno.test("lists models", async () => {
  const llm = await startFakeLlm({ models: ["a", "b"] });
  try {
    const body = await (await fetch(`${llm.url}/models`)).json();
    assert.deepEqual(body.data.map((m: { id: string }) => m.id), ["a", "b"]);
    assert.equal(llm.requests[0].method, "GET");
  } finally {
    await llm.close();
  }
});

Deno.test("close releases a request still hanging", async () => {
  const llm = await startFakeLlm();
  llm.script(answer.hang());
  const pending = chat(llm.url, { messages: [] });
  while (llm.chats().length === 0) await new Promise((r) => setTimeout(r, 5));
  await llm.close();
  const res = await pending;
  assert.equal(res.status, 503);
  await res.body?.cancel();
});
