import assert from "node:assert/strict";
import {
  answer,
  type FakeAnswer,
  type FakeLlm,
  startFakeLlm,
} from "../../tests/fakes/llm/server.ts";
import {
  askForFindings,
  type AskForFindingsOptions,
  type FindingsAnswer,
} from "./ask_for_findings.ts";
import type { ChatMessage } from "./chat_message.ts";
import { FINDINGS_JSON_SCHEMA } from "./findings_json_schema.ts";
import { LlmError } from "./llm_error.ts";
import type { ModelSpec } from "./model_spec.ts";

const KEY = "sk-loom-test-SECRET-0123456789";
const finding = {
  path: "src/app.ts",
  line: 12,
  severity: "warning" as const,
  title: "Unchecked null",
  body: "`user` may be null here.",
};
const prompt: ChatMessage[] = [
  { role: "system", content: 'You review code. Answer {"findings": [...]} only.' },
  { role: "user", content: "Review this diff of src/app.ts" },
];

function spec(llm: Pick<FakeLlm, "url">, over: Partial<ModelSpec> = {}): ModelSpec {
  return {
    name: "reviewer",
    baseUrl: llm.url,
    apiKey: KEY,
    model: "gpt-test",
    temperature: 0.2,
    maxTokens: 900,
    timeoutS: 5,
    structuredOutput: "json_object",
    ...over,
  };
}

async function withFake(fn: (llm: FakeLlm) => Promise<void>): Promise<void> {
  const llm = await startFakeLlm();
  try {
    await fn(llm);
  } finally {
    await llm.close();
  }
}

/** One call with the test's model and prompt; `over` changes what differs. */
function ask(llm: FakeLlm, over: Partial<AskForFindingsOptions> = {}): Promise<FindingsAnswer> {
  return askForFindings({ model: spec(llm), messages: prompt, ...over });
}

/** The LlmError one call with the test's model and prompt fails with. */
function askFailing(llm: FakeLlm, over: Partial<AskForFindingsOptions> = {}): Promise<LlmError> {
  return failure(ask(llm, over));
}

/** Each named field of `err` equals its expected value. */
function assertError(
  err: LlmError,
  expected: Partial<Pick<LlmError, "kind" | "retryable" | "status" | "retryAfterMs">>,
): void {
  for (const [field, value] of Object.entries(expected)) {
    assert.equal(err[field as keyof typeof expected], value, field);
  }
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof LlmError, `expected an LlmError, got ${err}`);
    return err;
  }
  assert.fail("expected the call to fail");
}

Deno.test("a clean answer gives its findings, with the tokens the server reported", async () => {
  await withFake(async (llm) => {
    llm.script(
      answer.json({ findings: [finding] }, { usage: { promptTokens: 100, completionTokens: 20 } }),
    );
    const result = await ask(llm);
    assert.deepEqual(result, {
      findings: [finding],
      usage: { promptTokens: 100, completionTokens: 20, calls: 1 },
      repaired: false,
      reasked: false,
      dropped: 0,
      truncated: false,
      structuredOutput: "json_object",
    });
  });
});

Deno.test("cached prompt tokens are read from usage.prompt_tokens_details and summed over a re-ask", async () => {
  await withFake(async (llm) => {
    const usage = { promptTokens: 100, completionTokens: 20, cachedTokens: 64 };
    llm.script(
      answer.text("not json at all", { usage }),
      answer.json({ findings: [finding] }, { usage }),
    );
    const result = await ask(llm);
    assert.equal(result.reasked, true);
    assert.deepEqual(result.usage, {
      promptTokens: 200,
      cachedTokens: 128,
      completionTokens: 40,
      calls: 2,
    });
  });
});

Deno.test("the request carries the model's settings and the prompt as given", async () => {
  await withFake(async (llm) => {
    await ask(llm);
    const [req] = llm.chats();
    assert.equal(req.body.model, "gpt-test");
    assert.equal(req.body.temperature, 0.2);
    assert.equal(req.body.max_tokens, 900);
    assert.deepEqual(req.body.messages, prompt);
    assert.ok(!req.body.stream, "a streamed answer would not be parsed");
  });
});

Deno.test("response_format follows structuredOutput", async () => {
  await withFake(async (llm) => {
    for (const structuredOutput of ["json_schema", "json_object", "none"] as const) {
      await ask(llm, { model: spec(llm, { structuredOutput }) });
    }
    const [schema, object, none] = llm.chats().map((r) => r.body);
    assert.deepEqual(schema.response_format, {
      type: "json_schema",
      json_schema: { name: "loom_findings", strict: true, schema: FINDINGS_JSON_SCHEMA },
    });
    assert.deepEqual(object.response_format, { type: "json_object" });
    assert.ok(!("response_format" in none), "none must leave response_format out");
  });
});

Deno.test("the API key goes in the Authorization header", async () => {
  await withFake(async (llm) => {
    await ask(llm);
    assert.equal(llm.chats()[0].headers.authorization, `Bearer ${KEY}`);
  });
});

Deno.test("a model without a key works and sends no Authorization header", async () => {
  await withFake(async (llm) => {
    llm.script(answer.json({ findings: [finding] }));
    const result = await ask(llm, { model: spec(llm, { apiKey: undefined }) });
    assert.deepEqual(result.findings, [finding]);
    assert.equal(llm.chats()[0].headers.authorization, undefined);
  });
});

const sloppyAnswers = {
  "fenced JSON": answer.fenced({ findings: [finding] }),
  "prose around JSON": answer.prose({ findings: [finding] }),
  "a bare array": answer.json([finding]),
  "a single finding object": answer.json(finding),
  "trailing commas": answer.trailingCommas({ findings: [finding] }),
};
for (const [kind, sloppy] of Object.entries(sloppyAnswers)) {
  Deno.test(`${kind} is repaired without asking again`, async () => {
    await withFake(async (llm) => {
      llm.script(sloppy);
      const result = await ask(llm);
      assert.deepEqual(result.findings, [finding]);
      assert.equal(result.repaired, true);
      assert.equal(result.reasked, false);
      assert.equal(llm.chats().length, 1);
    });
  });
}

Deno.test("pure prose is re-asked once, showing the model its answer and the problem", async () => {
  await withFake(async (llm) => {
    llm.script(
      answer.text("The code looks fine to me.", {
        usage: { promptTokens: 100, completionTokens: 8 },
      }),
      answer.json({ findings: [finding] }, { usage: { promptTokens: 130, completionTokens: 30 } }),
    );
    const result = await ask(llm);
    assert.deepEqual(result.findings, [finding]);
    assert.equal(result.reasked, true);
    assert.deepEqual(result.usage, { promptTokens: 230, completionTokens: 38, calls: 2 });

    const chats = llm.chats();
    assert.equal(chats.length, 2);
    const messages = chats[1].body.messages;
    assert.deepEqual(messages.slice(0, 2), prompt);
    assert.deepEqual(messages[2], { role: "assistant", content: "The code looks fine to me." });
    assert.equal(messages[3].role, "user");
    assert.match(messages[3].content, /no JSON object/);
  });
});

Deno.test("an empty (null) answer is re-asked too", async () => {
  await withFake(async (llm) => {
    llm.script(answer.text(null), answer.json({ findings: [] }));
    const result = await ask(llm);
    assert.equal(result.reasked, true);
    assert.deepEqual(result.findings, []);
  });
});

Deno.test("two unusable answers fail as unparseable after exactly one re-ask", async () => {
  await withFake(async (llm) => {
    llm.setDefault(
      answer.text("Looks good!", { usage: { promptTokens: 50, completionTokens: 3 } }),
    );
    const err = await askFailing(llm);
    assertError(err, { kind: "unparseable", retryable: false });
    assert.match(err.message, /reviewer/);
    assert.deepEqual(err.usage, { promptTokens: 100, completionTokens: 6, calls: 2 });
    assert.equal(llm.chats().length, 2);
  });
});

Deno.test("output cut at max_tokens keeps the complete findings and does not re-ask", async () => {
  await withFake(async (llm) => {
    const complete = JSON.stringify(finding);
    llm.script(answer.truncated(`{"findings": [${complete}, {"path": "b.ts", "line": 4, "ti`));
    const result = await ask(llm);
    assert.deepEqual(result.findings, [finding]);
    assert.equal(result.truncated, true);
    assert.equal(result.repaired, true);
    assert.equal(result.reasked, false);
    assert.equal(llm.chats().length, 1);
  });
});

Deno.test("output cut before any complete finding fails as length, not as no findings", async () => {
  await withFake(async (llm) => {
    llm.script(answer.truncated('{"findings": [{"path": "a.ts", "line": 4, "title": "Unclo'));
    const err = await askFailing(llm);
    assertError(err, { kind: "length", retryable: false });
    assert.match(err.message, /max_tokens \(900\)/);
    assert.equal(err.usage?.calls, 1);
    assert.equal(llm.chats().length, 1);
  });
});

Deno.test("429 is rate_limited and retryable, with Retry-After, and the SDK does not retry", async () => {
  await withFake(async (llm) => {
    llm.script(answer.rateLimited("3"));
    const err = await askFailing(llm);
    assertError(err, { kind: "rate_limited", retryable: true, retryAfterMs: 3000, status: 429 });
    assert.equal(llm.chats().length, 1);
  });
});

Deno.test("5xx is a retryable server error, tried once", async () => {
  await withFake(async (llm) => {
    llm.script(answer.serverError("upstream exploded"));
    const err = await askFailing(llm);
    assertError(err, { kind: "server", retryable: true, status: 500 });
    assert.match(err.message, /upstream exploded/);
    assert.equal(llm.chats().length, 1);
  });
});

Deno.test("a hanging server times out within the model's timeout", async () => {
  await withFake(async (llm) => {
    llm.script(answer.hang());
    const started = performance.now();
    const err = await askFailing(llm, { model: spec(llm, { timeoutS: 0.3 }) });
    const elapsed = performance.now() - started;
    assertError(err, { kind: "timeout", retryable: true });
    assert.ok(elapsed >= 250 && elapsed < 1500, `timed out after ${elapsed}ms`);
    assert.match(err.message, /0\.3s/);
  });
});

Deno.test("aborting the signal stops the call in flight promptly", async () => {
  await withFake(async (llm) => {
    llm.script(answer.hang());
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 50);
    const err = await askFailing(llm, { signal: controller.signal });
    assertError(err, { kind: "aborted", retryable: false });
    assert.ok(performance.now() - started < 1000);
  });
});

Deno.test("an already aborted signal sends nothing", async () => {
  await withFake(async (llm) => {
    const err = await askFailing(llm, { signal: AbortSignal.abort() });
    assert.equal(err.kind, "aborted");
    assert.equal(llm.chats().length, 0);
  });
});

Deno.test("401 is a client error naming the model and base_url, not retryable", async () => {
  await withFake(async (llm) => {
    llm.script(answer.error(401, "Incorrect API key provided"));
    const err = await askFailing(llm);
    assertError(err, { kind: "client", retryable: false, status: 401 });
    assert.ok(err.message.includes(`model "reviewer" (gpt-test at ${llm.url})`), err.message);
    assert.match(err.message, /Incorrect API key provided; check the api_key/);
  });
});

Deno.test("404 for an unknown model says to check the model id", async () => {
  await withFake(async (llm) => {
    llm.script({ kind: "http", status: 404, body: { detail: "model 'gpt-test' not found" } });
    const err = await askFailing(llm);
    assert.equal(err.kind, "client");
    assert.match(err.message, /model 'gpt-test' not found; check the model id and base_url/);
  });
});

Deno.test("a 200 that is not a chat completion is a retryable server error", async () => {
  await withFake(async (llm) => {
    llm.script(
      { kind: "http", status: 200, body: { error: { message: "model is loading" } } },
      {
        kind: "http",
        status: 200,
        body: "<html>login</html>",
        headers: { "content-type": "application/json" },
      },
    );
    for (const expected of [/without any choice: model is loading/, /not JSON/]) {
      const err = await askFailing(llm);
      assertError(err, { kind: "server", retryable: true });
      assert.match(err.message, expected);
    }
  });
});

Deno.test("an unreachable server is a retryable network error", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const model = spec({ url: `http://127.0.0.1:${port}/v1` }, {
    name: "gone",
    model: "m",
    temperature: 0,
    maxTokens: 10,
    structuredOutput: "none",
  });
  const err = await failure(askForFindings({ model, messages: prompt }));
  assertError(err, { kind: "network", retryable: true });
  assert.match(err.message, /could not reach model "gone"/);
  assert.match(
    err.publicMessage,
    /^could not reach model "gone" \(m at [^)]+\) \(connection refused\)$/,
  );
});

Deno.test("a server rejecting json_schema is asked again with json_object, then none", async () => {
  await withFake(async (llm) => {
    const unsupported = answer.error(400, "response_format type json_schema is not supported");
    llm.script(unsupported, answer.error(400, "'response_format' is not supported"));
    llm.setDefault(answer.json({ findings: [finding] }));
    const result = await ask(llm, { model: spec(llm, { structuredOutput: "json_schema" }) });
    assert.deepEqual(result.findings, [finding]);
    assert.equal(result.structuredOutput, "none");
    assert.deepEqual(result.usage.calls, 1);
    const formats = llm.chats().map((r) => r.body.response_format?.type ?? "none");
    assert.deepEqual(formats, ["json_schema", "json_object", "none"]);
  });
});

Deno.test("after a fallback, the re-ask uses the accepted mode", async () => {
  await withFake(async (llm) => {
    llm.setDefault((req) =>
      req.body.response_format?.type === "json_schema"
        ? answer.error(400, "unknown field response_format.json_schema")
        : req.body.messages.length > 2
        ? answer.json({ findings: [] })
        : answer.text("Nothing to say.")
    );
    const result = await ask(llm, { model: spec(llm, { structuredOutput: "json_schema" }) });
    assert.equal(result.reasked, true);
    assert.equal(result.structuredOutput, "json_object");
    const formats = llm.chats().map((r) => r.body.response_format?.type);
    assert.deepEqual(formats, ["json_schema", "json_object", "json_object"]);
  });
});

Deno.test("a 400 about something else is not retried with another format", async () => {
  await withFake(async (llm) => {
    llm.script(answer.error(400, "This model's maximum context length is 8192 tokens"));
    const err = await askFailing(llm, { model: spec(llm, { structuredOutput: "json_schema" }) });
    assert.equal(err.kind, "client");
    assert.match(err.message, /maximum context length/);
    assert.equal(llm.chats().length, 1);
  });
});

Deno.test("a failure on the re-ask still reports the tokens of the first call", async () => {
  await withFake(async (llm) => {
    llm.script(
      answer.text("hmm", { usage: { promptTokens: 40, completionTokens: 2 } }),
      answer.serverError(),
    );
    const err = await askFailing(llm);
    assert.equal(err.kind, "server");
    assert.deepEqual(err.usage, { promptTokens: 40, completionTokens: 2, calls: 1 });
  });
});

Deno.test("a server that reports no usage still counts the call", async () => {
  await withFake(async (llm) => {
    llm.script(answer.json({ findings: [] }, { omitUsage: true }));
    const result = await ask(llm);
    assert.deepEqual(result.usage, { promptTokens: 0, completionTokens: 0, calls: 1 });
  });
});

Deno.test("findings without a severity get the default severity", async () => {
  await withFake(async (llm) => {
    const { severity: _, ...noSeverity } = finding;
    llm.script(answer.json({ findings: [noSeverity, { ...finding, severity: "blocker" }] }));
    const result = await ask(llm, { defaultSeverity: "info" });
    assert.deepEqual(result.findings.map((f) => f.severity), ["info", "blocker"]);
  });
});

Deno.test("an answer computed from the prompt comes back as findings", async () => {
  await withFake(async (llm) => {
    llm.script((req) => {
      const path = /diff of (\S+)/.exec(req.body.messages[1].content)?.[1];
      return answer.json({ findings: [{ ...finding, path }] });
    });
    const result = await ask(llm);
    assert.equal(result.findings[0].path, "src/app.ts");
  });
});

Deno.test("errors never contain the API key, even when the server echoes it", async () => {
  await withFake(async (llm) => {
    const failures = [
      answer.error(401, `Incorrect API key provided: ${KEY}`),
      answer.error(403, `key ${KEY} lacks access`),
      answer.error(429, `slow down ${KEY}`, { "retry-after": "1" }),
      answer.serverError(`crashed handling ${KEY}`),
      { kind: "http" as const, status: 502, body: `<html>${KEY}</html>` },
    ];
    for (const scripted of failures) {
      llm.script(scripted);
      const err = await askFailing(llm);
      assertNoKey(err);
    }
    llm.script(answer.text(`my key is ${KEY}`), answer.text(`still ${KEY}`));
    assertNoKey(await askFailing(llm));
    llm.script(answer.hang());
    assertNoKey(await askFailing(llm, { model: spec(llm, { timeoutS: 0.2 }) }));
  });
});

function assertNoKey(err: LlmError) {
  const seen = [
    err.message,
    err.stack ?? "",
    Deno.inspect(err, { depth: 10 }),
    JSON.stringify(err),
  ];
  for (const text of seen) assert.ok(!text.includes(KEY), `key leaked: ${text}`);
}

Deno.test("unbounded responses: a gzip bomb fails as too_large at the cap, not retryable, read once", async () => {
  await withFake(async (llm) => {
    // 64 MiB of answer in well under a MiB of gzip on the wire.
    llm.setDefault(answer.gzipBomb(64 * 1024 * 1024));
    const err = await askFailing(llm);
    assertError(err, { kind: "too_large", retryable: false });
    assert.match(err.message, /larger than 4194304 bytes \(LOOM_LLM_MAX_RESPONSE_BYTES\)/);
    assert.equal(llm.chats().length, 1, "no re-ask of an oversized answer");
  });
});

Deno.test("unbounded responses: the cap is the caller's, counted after decompression", async () => {
  await withFake(async (llm) => {
    llm.script(answer.gzipBomb(200_000), answer.gzipBomb(50_000));
    const err = await askFailing(llm, { maxResponseBytes: 100_000 });
    assertError(err, { kind: "too_large", retryable: false });
    // Under the cap the (blank) answer is read and re-asked as usual.
    llm.setDefault(answer.json({ findings: [finding] }));
    const read = await ask(llm, { maxResponseBytes: 100_000 });
    assert.equal(read.reasked, true);
  });
});

Deno.test("unbounded responses: an error body that never ends is read only up to its cap", async () => {
  await withFake(async (llm) => {
    llm.script(answer.endless(500));
    const err = await askFailing(llm, { model: spec(llm, { timeoutS: 3 }) });
    assertError(err, { kind: "server", retryable: true, status: 500 });
    assert.match(err.message, /failed \(HTTP 500\): x{300}/);
  });
});

Deno.test("reflected upstream errors: what an endpoint says is in the message, never in the public message", async () => {
  const secret = "hunter2-internal-db";
  await withFake(async (llm) => {
    const cases: [FakeAnswer[], RegExp][] = [
      [[answer.serverError(`db password=${secret} at 10.0.0.5`)], /failed \(HTTP 500\)$/],
      [[answer.error(401, `token: ${secret}`)], /rejected the request \(HTTP 401\); check/],
      [[answer.error(429, secret, { "retry-after": "1" })], /is rate limited \(429\)$/],
      [
        [{ kind: "http", status: 200, body: { error: { message: secret } } }],
        /without any choice$/,
      ],
      [[{
        kind: "http",
        status: 200,
        body: `<html>${secret}</html>`,
        headers: { "content-type": "application/json" },
      }], /is not JSON$/],
      [[answer.text(`{"${secret}": 1}`), answer.text(`secret=${secret}`)], /findings JSON$/],
    ];
    for (const [answers, how] of cases) {
      llm.script(...answers);
      const err = await askFailing(llm);
      assert.match(err.publicMessage, how);
      assert.ok(err.publicMessage.startsWith('model "reviewer" (gpt-test at '), err.publicMessage);
      assert.ok(!err.publicMessage.includes(secret), err.publicMessage);
      assert.ok(err.message.length > err.publicMessage.length, "the message says more");
    }
  });
});

Deno.test("reflected upstream errors: credential shapes in an endpoint's words are masked in the message", async () => {
  await withFake(async (llm) => {
    llm.script(
      answer.serverError("config: password=hunter2-internal-db, key sk-internal-0123456789"),
    );
    const err = await askFailing(llm);
    assert.match(err.message, /password=\*\*\*, key sk-\*\*\*/);
  });
});
