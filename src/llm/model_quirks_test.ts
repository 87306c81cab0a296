import assert from "node:assert/strict";
import { answer, type FakeLlm, startFakeLlm } from "../../tests/fakes/llm/server.ts";
import { askForFindings } from "./ask_for_findings.ts";
import { LlmError } from "./llm_error.ts";
import { createQuirkMemory } from "./model_quirks.ts";
import type { ModelSpec } from "./model_spec.ts";

const finding = { path: "src/app.ts", line: 12, title: "Unchecked null", body: "may be null" };
const messages = [{ role: "user" as const, content: "Review this diff" }];

function spec(llm: FakeLlm, over: Partial<ModelSpec> = {}): ModelSpec {
  return {
    name: "reasoner",
    baseUrl: llm.url,
    model: "o-test",
    temperature: 0,
    maxTokens: 900,
    timeoutS: 5,
    structuredOutput: "none",
    ...over,
  };
}

async function withLlm(body: (llm: FakeLlm) => Promise<void>) {
  const llm = await startFakeLlm();
  try {
    await body(llm);
  } finally {
    await llm.close();
  }
}

Deno.test("a model that rejects temperature is asked again without it, and only once per process", () =>
  withLlm(async (llm) => {
    const quirks = createQuirkMemory();
    llm.setDefault(answer.refusing("temperature", answer.json({ findings: [finding] })));
    const first = await askForFindings({ model: spec(llm), messages, quirks });
    const second = await askForFindings({ model: spec(llm), messages, quirks });
    assert.deepEqual(first.findings.map((f) => f.title), ["Unchecked null"]);
    assert.deepEqual(second.findings.map((f) => f.title), ["Unchecked null"]);
    assert.deepEqual(llm.chats().map((c) => c.body.temperature), [0, undefined, undefined]);
  }));

Deno.test("temperature: null is never sent", () =>
  withLlm(async (llm) => {
    await askForFindings({
      model: spec(llm, { temperature: null }),
      messages,
      quirks: createQuirkMemory(),
    });
    assert.equal("temperature" in llm.chats()[0].body, false);
  }));

Deno.test("a model that refuses max_tokens gets max_completion_tokens, remembered per model", () =>
  withLlm(async (llm) => {
    const quirks = createQuirkMemory();
    llm.setDefault(answer.refusing("max_tokens", answer.json({ findings: [] })));
    await askForFindings({ model: spec(llm), messages, quirks });
    await askForFindings({ model: spec(llm), messages, quirks });
    assert.deepEqual(
      llm.chats().map((c) => [c.body.max_tokens, c.body.max_completion_tokens]),
      [[900, undefined], [undefined, 900], [undefined, 900]],
    );
    // Another model on the same server is asked the configured way.
    await askForFindings({ model: spec(llm, { model: "other" }), messages, quirks });
    assert.equal(llm.chats()[3].body.max_tokens, 900);
  }));

Deno.test("token_param: max_completion_tokens is sent as configured", () =>
  withLlm(async (llm) => {
    await askForFindings({
      model: spec(llm, { tokenParam: "max_completion_tokens" }),
      messages,
      quirks: createQuirkMemory(),
    });
    assert.equal(llm.chats()[0].body.max_completion_tokens, 900);
    assert.equal("max_tokens" in llm.chats()[0].body, false);
  }));

Deno.test("think blocks are cut: a finding the model thought about and rejected is not reported", () =>
  withLlm(async (llm) => {
    const thought = JSON.stringify({ findings: [{ ...finding, title: "Rejected idea" }] });
    llm.script(answer.text(
      `<think>\nFirst idea: ${thought}\nNo, that is fine.\n</think>\n` +
        JSON.stringify({ findings: [finding] }),
    ));
    const result = await askForFindings({ model: spec(llm), messages });
    assert.deepEqual(result.findings.map((f) => f.title), ["Unchecked null"]);
  }));

Deno.test("reasoning_content is not parsed as findings: empty content with reasoning is re-asked", () =>
  withLlm(async (llm) => {
    const thought = JSON.stringify({ findings: [{ ...finding, title: "Only a thought" }] });
    llm.script(
      answer.text("", { reasoning: thought }),
      answer.json({ findings: [] }, { reasoning: thought }),
    );
    const result = await askForFindings({ model: spec(llm), messages });
    assert.deepEqual(result.findings, []);
    assert.equal(result.reasked, true);
  }));

Deno.test("stream: a slow model writing for longer than its timeout is not cut while it writes", () =>
  withLlm(async (llm) => {
    const content = JSON.stringify({ findings: [finding] });
    // About 8 chunks 150 ms apart: 1.2 s in all, against a 0.5 s timeout between chunks.
    llm.script(answer.text(content, {
      chunkChars: Math.ceil(content.length / 8),
      chunkDelayMs: 150,
      reasoning: "<think>not the answer</think>",
      usage: { promptTokens: 40, completionTokens: 25 },
    }));
    const result = await askForFindings({
      model: spec(llm, { stream: true, timeoutS: 0.5 }),
      messages,
    });
    assert.deepEqual(result.findings.map((f) => f.title), ["Unchecked null"]);
    assert.deepEqual(result.usage, { promptTokens: 40, completionTokens: 25, calls: 1 });
    assert.equal(llm.chats()[0].body.stream, true);
    assert.deepEqual(llm.chats()[0].body.stream_options, { include_usage: true });
  }));

Deno.test("stream: a model that falls silent mid-answer times out after timeout_s of silence", () =>
  withLlm(async (llm) => {
    llm.script(answer.text(JSON.stringify({ findings: [finding] }), {
      chunkChars: 10,
      chunkDelayMs: 3_000,
    }));
    await assert.rejects(
      askForFindings({ model: spec(llm, { stream: true, timeoutS: 0.3 }), messages }),
      (e) =>
        e instanceof LlmError && e.kind === "timeout" && e.retryable &&
        /sent nothing for 0.3s while streaming/.test(e.message),
    );
  }));

Deno.test("stream: LOOM_LLM_MAX_RESPONSE_BYTES still bounds a streamed answer", () =>
  withLlm(async (llm) => {
    llm.script(answer.text("x".repeat(200_000), { chunkChars: 4096 }));
    await assert.rejects(
      askForFindings({
        model: spec(llm, { stream: true }),
        messages,
        maxResponseBytes: 65_536,
      }),
      (e) => e instanceof LlmError && e.kind === "too_large",
    );
  }));
