/**
 * Recording what goes over the wire to a model: the request body of each chat completion and
 * the answer exactly as the server sent it (a JSON body or its stream of events), so an operator
 * can see from the dashboard why a model answered what it did. Recorded at the fetch seam, below
 * the SDK, so every call a pipeline makes is there: re-asks, structured-output fallbacks,
 * fallback models and the second look alike.
 * @module
 */
import { redact, scrubCredentials } from "../secrets/mod.ts";

/** One model call as it went over the wire, redacted. */
export interface ModelCallTranscript {
  /** The call's order, from 1. */
  seq: number;
  /** The model id the request named. */
  model: string;
  request: string;
  /** The answer's body, or why none came. */
  response: string;
  /** HTTP status; null when no answer came. */
  status: number | null;
  durationMs: number;
}

/** A recording fetch and what it recorded. */
export interface TranscriptRecorder {
  /** Pass this wherever a `fetch` goes to the model (it calls the `base` fetch). */
  fetch: typeof fetch;
  /** The calls so far, in the order they were made; each answer as far as it was read. */
  calls(): ModelCallTranscript[];
}

/**
 * Wraps `base` so each chat completion's request and answer are kept, up to `maxChars` each
 * (the answer's bytes pass through untouched and unbuffered; only a prefix is copied) and at
 * most `maxCalls` calls. Each text is redacted of the credentials the request carried (its
 * `Authorization` or `api-key` header, the URL's user info and query) and of common credential
 * shapes, since prompts quote code and servers echo keys.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recordTranscripts } from "./transcript_fetch.ts";
 *
 * const server = () => Promise.resolve(Response.json({ echoed: "sk-secret-key-123" }));
 * const recorder = recordTranscripts(server, { maxChars: 1000, maxCalls: 10, now: () => 0 });
 * const res = await recorder.fetch("http://model.test/v1/chat/completions", {
 *   method: "POST",
 *   headers: { authorization: "Bearer sk-secret-key-123" },
 *   body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "Hi" }] }),
 * });
 * await res.text();
 * const [call] = recorder.calls();
 * assert.equal(call.model, "m");
 * assert.equal(call.response, '{"echoed":"***"}');
 * ```
 */
export function recordTranscripts(
  base: typeof fetch,
  options: { maxChars: number; maxCalls: number; now?: () => number },
): TranscriptRecorder {
  const now = options.now ?? (() => performance.now());
  // Answers are kept raw while they stream in and redacted when read: once per call, not per chunk.
  const calls: {
    call: ModelCallTranscript;
    secrets: Secrets;
    answer: { text: string; cut: number };
  }[] = [];
  const secretsOf = (url: string, init?: RequestInit): Secrets => {
    const headers = new Headers(init?.headers);
    const auth = headers.get("authorization")?.replace(/^\w+\s+/, "") ??
      headers.get("api-key") ?? headers.get("x-api-key") ?? undefined;
    return { apiKey: auth, baseUrl: url };
  };
  const clean = (text: string, secrets: Secrets) => scrubCredentials(redact(text, secrets));
  const cap = (text: string) =>
    text.length <= options.maxChars
      ? text
      : `${text.slice(0, options.maxChars)}\n… [${text.length - options.maxChars} more characters]`;

  const recording: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (calls.length >= options.maxCalls || !isChat(url)) {
      return base(input, init);
    }
    const secrets = secretsOf(url, init);
    const body = typeof init?.body === "string" ? init.body : "(request body not recorded)";
    const call: ModelCallTranscript = {
      seq: calls.length + 1,
      model: modelOf(body),
      request: clean(cap(body), secrets),
      response: "",
      status: null,
      durationMs: 0,
    };
    const answer = { text: "", cut: 0 };
    calls.push({ call, secrets, answer });
    const started = now();
    let response: Response;
    try {
      response = await base(input, init);
    } catch (error) {
      call.durationMs = Math.round(now() - started);
      answer.text = `(no answer: ${error instanceof Error ? error.message : error})`;
      throw error;
    }
    call.status = response.status;
    call.durationMs = Math.round(now() - started);
    if (!response.body) return response;
    const decoder = new TextDecoder();
    const keep = (piece: string) => {
      const room = Math.max(options.maxChars - answer.text.length, 0);
      answer.text += piece.slice(0, room);
      answer.cut += Math.max(piece.length - room, 0);
    };
    const tap = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        controller.enqueue(chunk);
        if (answer.text.length < options.maxChars) keep(decoder.decode(chunk, { stream: true }));
        else answer.cut += chunk.byteLength;
        call.durationMs = Math.round(now() - started);
      },
      flush() {
        keep(decoder.decode());
        call.durationMs = Math.round(now() - started);
      },
    });
    return new Response(response.body.pipeThrough(tap), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return {
    fetch: recording,
    calls: () =>
      calls.map(({ call, secrets, answer }) => ({
        ...call,
        response: clean(
          answer.text + (answer.cut ? `\n… [${answer.cut} more characters not kept]` : ""),
          secrets,
        ),
      })),
  };
}

type Secrets = { apiKey?: string; baseUrl: string };

// By path: Azure-style endpoints add `?api-version=…` after it.
function isChat(url: string): boolean {
  try {
    return new URL(url).pathname.endsWith("/chat/completions");
  } catch {
    return false;
  }
}

function modelOf(body: string): string {
  try {
    const model = (JSON.parse(body) as { model?: unknown }).model;
    return typeof model === "string" ? model : "?";
  } catch {
    return "?";
  }
}
