/**
 * A fake OpenAI-compatible model server on a real 127.0.0.1 port.
 *
 * Loom talks to models over HTTP through the `openai` SDK, so tests that stub `fetch` would miss
 * what really goes over the wire (headers, the request body the SDK builds, status handling).
 * This server answers `POST /v1/chat/completions` and `GET /v1/models` like OpenAI does, plays
 * back scripted answers in order (then a default), and records every request.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { answer, startFakeLlm } from "./server.ts";
 *
 * const llm = await startFakeLlm();
 * try {
 *   llm.script(answer.fenced({ findings: [] }), answer.rateLimited("2"));
 *   // Loom would be pointed at llm.url; here two calls by hand.
 *   const chat = () =>
 *     fetch(`${llm.url}/chat/completions`, {
 *       method: "POST",
 *       headers: { "content-type": "application/json" },
 *       body: JSON.stringify({ model: "gpt-test", messages: [{ role: "user", content: "Hi" }] }),
 *     });
 *   const first = await (await chat()).json();
 *   // A fenced JSON block, as small models like to answer.
 *   const fenced = /^`{3}json\n\{\n {2}"findings": \[\]\n\}\n`{3}$/;
 *   assert.match(first.choices[0].message.content, fenced);
 *   const second = await chat();
 *   await second.body?.cancel();
 *   assert.equal(second.status, 429);
 *   assert.equal(second.headers.get("retry-after"), "2");
 *   assert.equal(llm.chats()[0].body.model, "gpt-test");
 * } finally {
 *   await llm.close();
 * }
 * ```
 * @module
 */

import { type RecordedRequest, startFakeServer } from "../fake_server.ts";
import type { FaultPlan } from "../faults.ts";

/** The fake's {@link RecordedRequest}s have the whole path, e.g. `/v1/chat/completions`. */
export type { RecordedRequest };

/** A chat completion the fake sends back with status 200. */
export interface ContentAnswer {
  kind: "content";
  /** The assistant message content; `null` mimics an answer with no text. */
  content: string | null;
  /** Defaults to `"stop"`; `"length"` mimics output cut at `max_tokens`. */
  finishReason?: string;
  /** Token counts reported in `usage`; estimated from the text (chars / 4) when absent. */
  usage?: { promptTokens: number; completionTokens: number; cachedTokens?: number };
  /** Leave `usage` out of the response, as some local servers do. */
  omitUsage?: boolean;
  /** Wait this long before answering; the wait ends early when the fake closes. */
  delayMs?: number;
  /** Sent as `message.reasoning_content`, as DeepSeek, vLLM and reasoning models do. */
  reasoning?: string;
  /**
   * When the request asks `stream: true`: the content is sent as server-sent events in pieces
   * of this many characters, `chunkDelayMs` apart (a slow local model), then the usage chunk.
   */
  chunkChars?: number;
  chunkDelayMs?: number;
}

/** An arbitrary HTTP response: errors (429, 500, 400 ...) or malformed bodies. */
export interface HttpAnswer {
  kind: "http";
  status: number;
  /**
   * Sent as JSON unless it is a string, or as raw bytes (e.g. gzip) when a `Uint8Array`, or
   * streamed when a `ReadableStream` (see `answer.endless`).
   */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Never answer: the request stays open until the fake closes (clients time out first). */
export interface HangAnswer {
  kind: "hang";
}

/** What the fake does for one chat request. A function computes it from the request. */
export type FakeAnswer =
  | ContentAnswer
  | HttpAnswer
  | HangAnswer
  | ((req: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>);

/** A running fake; see {@link startFakeLlm}. */
export interface FakeLlm {
  /** Base URL to configure as a model's `base_url`; ends in `/v1`. */
  url: string;
  /** Every request received, in arrival order, including `GET /v1/models`. */
  requests: RecordedRequest[];
  /** Only the `POST /v1/chat/completions` requests, in arrival order. */
  chats(): RecordedRequest[];
  /** Queue answers for the next chat requests, consumed in order before the default. */
  script(...answers: FakeAnswer[]): void;
  /** The answer once the script runs out; initially `answer.json({ findings: [] })`. */
  setDefault(answer: FakeAnswer): void;
  /** Chat requests being answered now, and the most there ever were at once. */
  inFlight(): { now: number; max: number };
  /** Faults applied before the script answers (see `tests/fakes/faults.ts`). */
  faults: FaultPlan;
  /** Release hanging requests and stop the server; safe to call twice. */
  close(): Promise<void>;
}

/** Options for {@link startFakeLlm}. */
export interface FakeLlmOptions {
  /** Model ids listed by `GET /v1/models`; defaults to `["fake-model"]`. */
  models?: string[];
}

/**
 * Builders for common answers, named after what small and local models really send.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { answer, startFakeLlm } from "./server.ts";
 *
 * const llm = await startFakeLlm();
 * try {
 *   llm.script(
 *     answer.prose({ findings: [] }), // "Sure! I reviewed the diff … {…} Let me know …"
 *     answer.truncated('{"findings": [{"path": "a.ts", "line": 1, "title": "x", "bo'),
 *     (req) => answer.json({ findings: [], echo: req.body.model }),
 *   );
 *   const contents = [];
 *   for (let i = 0; i < 3; i++) {
 *     const res = await fetch(`${llm.url}/chat/completions`, {
 *       method: "POST",
 *       body: JSON.stringify({ model: "gpt-test", messages: [] }),
 *     });
 *     const { choices: [choice] } = await res.json();
 *     contents.push([choice.finish_reason, choice.message.content]);
 *   }
 *   assert.match(contents[0][1], /^Sure!/);
 *   assert.equal(contents[1][0], "length");
 *   assert.deepEqual(contents[2], ["stop", '{"findings":[],"echo":"gpt-test"}']);
 * } finally {
 *   await llm.close();
 * }
 * ```
 */
export const answer = {
  /** Plain content text, finish_reason `stop`. */
  text(content: string | null, extra: Partial<Omit<ContentAnswer, "kind">> = {}): ContentAnswer {
    return { kind: "content", content, ...extra };
  },
  /** Clean JSON content, exactly as a well-behaved model answers. */
  json(value: unknown, extra: Partial<Omit<ContentAnswer, "kind">> = {}): ContentAnswer {
    return answer.text(JSON.stringify(value), extra);
  },
  /** JSON wrapped in a markdown code fence. */
  fenced(value: unknown, lang = "json"): ContentAnswer {
    return answer.text("```" + lang + "\n" + JSON.stringify(value, null, 2) + "\n```");
  },
  /** JSON with chatty prose before and after it. */
  prose(value: unknown): ContentAnswer {
    return answer.text(
      "Sure! I reviewed the diff and here is what I found:\n\n" + JSON.stringify(value, null, 2) +
        "\n\nLet me know if you want me to look at anything else.",
    );
  },
  /** Pretty JSON with a trailing comma after every last array item and object property. */
  trailingCommas(value: unknown): ContentAnswer {
    const pretty = JSON.stringify(value, null, 2);
    return answer.text(pretty.replace(/([^\s[{,])(\n\s*[}\]])/g, "$1,$2"));
  },
  /** Output cut at `max_tokens`: the text as given, finish_reason `length`. */
  truncated(content: string): ContentAnswer {
    return answer.text(content, { finishReason: "length" });
  },
  /** An OpenAI-style error body with the given status. */
  error(status: number, message: string, headers: Record<string, string> = {}): HttpAnswer {
    const type = status === 429
      ? "rate_limit_error"
      : status >= 500
      ? "server_error"
      : "invalid_request_error";
    return {
      kind: "http",
      status,
      headers,
      body: { error: { message, type, param: null, code: null } },
    };
  },
  /** 429 with a `Retry-After` header (seconds or an HTTP date). */
  rateLimited(retryAfter: string): HttpAnswer {
    return answer.error(429, "Rate limit reached, please slow down", { "retry-after": retryAfter });
  },
  /** 500 Internal Server Error. */
  serverError(message = "The server had an error while processing your request"): HttpAnswer {
    return answer.error(500, message);
  },
  /**
   * What a server says when a request carries a field the model refuses, exactly as OpenAI
   * words it for reasoning models; the request is then answered by `then` if it lacks the field.
   */
  refusing(field: "temperature" | "max_tokens", then: FakeAnswer): FakeAnswer {
    return (req) => {
      if (req.body?.[field] === undefined) return then;
      return field === "temperature"
        ? answer.error(
          400,
          `Unsupported value: 'temperature' does not support ${req.body.temperature} with this ` +
            "model. Only the default (1) value is supported.",
        )
        : answer.error(
          400,
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use " +
            "'max_completion_tokens' instead.",
        );
    };
  },
  /** Never answer; the request is released with a 503 when the fake closes. */
  hang(): HangAnswer {
    return { kind: "hang" };
  },
  /**
   * A response with `status` whose body never ends: 64 KiB of `x` after 64 KiB, until the
   * client stops reading (a broken proxy, or an endpoint that means harm).
   */
  endless(status: number): HttpAnswer {
    const chunk = new TextEncoder().encode("x".repeat(65_536));
    const body = new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(chunk) });
    return { kind: "http", status, headers: { "content-type": "text/plain" }, body };
  },
  /**
   * A decompression bomb: a chat completion whose content is `bytes` spaces, sent gzipped with
   * `Content-Encoding: gzip` (a few hundred KB on the wire per 100 MB), which fetch inflates
   * transparently. Compressed once, on the first request, then served as is.
   */
  gzipBomb(bytes: number): () => Promise<HttpAnswer> {
    let compressed: Promise<Uint8Array> | undefined;
    return async (): Promise<HttpAnswer> => ({
      kind: "http",
      status: 200,
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
      body: await (compressed ??= gzipCompletion(bytes)),
    });
  },
};

async function gzipCompletion(bytes: number): Promise<Uint8Array> {
  const head = '{"id":"chatcmpl-bomb","object":"chat.completion","created":0,"model":"m",' +
    '"choices":[{"index":0,"message":{"role":"assistant","content":"';
  const tail = '"},"finish_reason":"stop"}]}';
  const chunk = new TextEncoder().encode(" ".repeat(1 << 20));
  const source = new ReadableStream<BufferSource>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(head));
    },
    pull(controller) {
      if (bytes <= 0) {
        controller.enqueue(new TextEncoder().encode(tail));
        controller.close();
        return;
      }
      controller.enqueue(bytes >= chunk.length ? chunk : chunk.subarray(0, bytes));
      bytes -= chunk.length;
    },
  });
  const gzipped = source.pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(gzipped).arrayBuffer());
}

/**
 * Starts the fake on a free port of 127.0.0.1. Always `close()` it (in a `finally`): an open
 * server fails Deno's resource sanitizer.
 */
export function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const models = options.models ?? ["fake-model"];
  const queue: FakeAnswer[] = [];
  let fallback: FakeAnswer = answer.json({ findings: [] });
  // Pending hangs and delays wait on this; aborting it lets shutdown finish, leaving no timers.
  const closing = new AbortController();
  let completionCounter = 0;
  const flight = { now: 0, max: 0 };

  const handler = async (recorded: RecordedRequest): Promise<Response> => {
    if (recorded.method === "GET" && recorded.path === "/v1/models") {
      return Response.json({
        object: "list",
        data: models.map((id) => ({ id, object: "model", created: 0, owned_by: "loom-fake" })),
      });
    }
    if (recorded.method !== "POST" || recorded.path !== "/v1/chat/completions") {
      return toResponse(answer.error(404, `Unknown route ${recorded.method} ${recorded.path}`));
    }

    flight.max = Math.max(flight.max, ++flight.now);
    try {
      return await chatAnswer(recorded);
    } finally {
      flight.now--;
    }
  };

  const chatAnswer = async (recorded: RecordedRequest): Promise<Response> => {
    let next = queue.shift() ?? fallback;
    while (typeof next === "function") next = await next(recorded);

    if (next.kind === "hang") {
      // Held until close() rather than until the client leaves: Deno.serve warns about handlers
      // that read req.signal, and the open request costs nothing but a pending promise.
      await untilAborted(closing.signal);
      return new Response(null, { status: 503 });
    }
    if (next.kind === "http") return toResponse(next);
    if (next.delayMs) await sleep(next.delayMs, closing.signal);

    completionCounter++;
    if (recorded.body?.stream === true) {
      return sse(next, recorded, completionCounter, closing.signal);
    }
    return Response.json(completion(next, recorded, completionCounter));
  };

  const server = startFakeServer({ handle: handler });

  let closed: Promise<void> | undefined;
  // A promise although Deno.serve listens at once: callers need not change if startup ever waits.
  return Promise.resolve({
    url: `${server.origin}/v1`,
    requests: server.requests,
    chats: () =>
      server.requests.filter((r) => r.method === "POST" && r.path === "/v1/chat/completions"),
    script: (...answers) => void queue.push(...answers),
    setDefault: (a) => void (fallback = a),
    inFlight: () => ({ ...flight }),
    faults: server.faults,
    close: () => {
      closed ??= (async () => {
        closing.abort();
        // Graceful: released hangs still get their 503 before the port closes.
        await server.close();
      })();
      return closed;
    },
  });
}

function completion(a: ContentAnswer, req: RecordedRequest, n: number) {
  const promptText = JSON.stringify(req.body?.messages ?? "");
  const promptTokens = a.usage?.promptTokens ?? Math.ceil(promptText.length / 4);
  const completionTokens = a.usage?.completionTokens ?? Math.ceil((a.content ?? "").length / 4);
  return {
    id: `chatcmpl-fake-${n}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: req.body?.model ?? "fake-model",
    choices: [{
      index: 0,
      message: {
        role: "assistant",
        content: a.content,
        ...(a.reasoning === undefined ? {} : { reasoning_content: a.reasoning }),
      },
      finish_reason: a.finishReason ?? "stop",
    }],
    ...(a.omitUsage ? {} : {
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        // As OpenAI reports prompt caching.
        ...(a.usage?.cachedTokens === undefined
          ? {}
          : { prompt_tokens_details: { cached_tokens: a.usage.cachedTokens } }),
      },
    }),
  };
}

/**
 * The answer as OpenAI streams it: `chat.completion.chunk` events with content deltas (the
 * reasoning first, as its own deltas), a last one with the finish reason, and, when the request
 * asked `stream_options.include_usage`, a usage chunk without choices; then `data: [DONE]`.
 */
function sse(a: ContentAnswer, req: RecordedRequest, n: number, closing: AbortSignal): Response {
  const whole = completion(a, req, n);
  const base = { id: whole.id, object: "chat.completion.chunk", created: whole.created };
  const size = Math.max(1, a.chunkChars ?? 16);
  const pieces = (text: string | null | undefined) => {
    const out: string[] = [];
    for (let i = 0; text && i < text.length; i += size) out.push(text.slice(i, i + size));
    return out;
  };
  const events: unknown[] = [
    ...pieces(a.reasoning).map((r) => ({
      ...base,
      model: whole.model,
      choices: [{ index: 0, delta: { reasoning_content: r }, finish_reason: null }],
    })),
    ...pieces(a.content).map((c, i) => ({
      ...base,
      model: whole.model,
      choices: [{
        index: 0,
        delta: i === 0 ? { role: "assistant", content: c } : { content: c },
        finish_reason: null,
      }],
    })),
    {
      ...base,
      model: whole.model,
      choices: [{ index: 0, delta: {}, finish_reason: a.finishReason ?? "stop" }],
    },
    ...(req.body?.stream_options?.include_usage && "usage" in whole
      ? [{ ...base, model: whole.model, choices: [], usage: whole.usage }]
      : []),
  ];
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const event of events) {
        if (closing.aborted) break;
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(event)}\n\n`));
        if (a.chunkDelayMs) await sleep(a.chunkDelayMs, closing);
      }
      controller.enqueue(encoder.encode("data: [DONE]\n\n"));
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

function toResponse(a: HttpAnswer): Response {
  const isText = typeof a.body === "string";
  const headers = new Headers(a.headers);
  if (a.body !== undefined && !headers.has("content-type")) {
    headers.set("content-type", isText ? "text/plain" : "application/json");
  }
  const body = a.body === undefined
    ? null
    : isText || a.body instanceof Uint8Array || a.body instanceof ReadableStream
    ? a.body as string | Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>
    : JSON.stringify(a.body);
  return new Response(body, { status: a.status, headers });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true })
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
