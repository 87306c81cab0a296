/**
 * One chat completion through the `openai` SDK.
 * @module
 */

import OpenAI, { APIError } from "openai";
import { redact, scrubCredentials } from "../secrets/mod.ts";
import { cappedFetch, DEFAULT_MAX_RESPONSE_BYTES } from "./capped_fetch.ts";
import type { ChatMessage } from "./chat_message.ts";
import type { EndpointLimiter } from "./endpoint_limiter.ts";
import { LlmError } from "./llm_error.ts";
import {
  otherTokenParam,
  PROCESS_QUIRKS,
  type QuirkMemory,
  rejectsTemperature,
} from "./model_quirks.ts";
import type { ModelSpec, StructuredOutput } from "./model_spec.ts";
import { fallbackChain, rejectsResponseFormat, responseFormat } from "./response_format.ts";
import { stripReasoning } from "./strip_reasoning.ts";
import { describeModel, toLlmError } from "./to_llm_error.ts";
import type { Usage } from "./usage.ts";

/** What one call to a model returned. */
export interface ChatAnswer {
  /** The assistant's text; `""` when the server sent none. */
  content: string;
  /** `stop`, `length`, ... as the server reported it. */
  finishReason: string | null;
  usage: Usage;
  /** The mode the server accepted: the configured one or a weaker one after a 400. */
  structuredOutput: StructuredOutput;
}

/** Inputs of {@link chatCall}. */
export interface ChatCallOptions {
  model: ModelSpec;
  messages: ChatMessage[];
  /** Mode to start from; defaults to the model's `structuredOutput`. */
  structuredOutput?: StructuredOutput;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  /**
   * Largest answer read, in bytes after decompression (`LOOM_LLM_MAX_RESPONSE_BYTES`); past it
   * the call fails as `too_large`. Default {@link DEFAULT_MAX_RESPONSE_BYTES}.
   */
  maxResponseBytes?: number;
  /**
   * Shared by every job of the process: each HTTP call waits for a turn at the model's server
   * (`max_concurrency`) and holds it until its answer is read. Unset: no limit.
   */
  limiter?: EndpointLimiter;
  /** Where refused fields are remembered; defaults to the process's {@link PROCESS_QUIRKS}. */
  quirks?: QuirkMemory;
}

// Each refusal changes one thing (temperature, token field, structured-output mode), so a call
// needs at most this many requests; the bound keeps a confused server from looping us.
const MAX_REQUESTS = 6;

/**
 * Sends one chat completion and returns the first choice. When the server answers 400/422
 * about `response_format`, the same call is repeated with the next weaker mode
 * (`json_schema` → `json_object` → `none`), so a local server without structured outputs
 * still works; the mode that was accepted is returned for the caller to report. A 400 refusing
 * `temperature` is repeated without it, one refusing `max_tokens` with `max_completion_tokens`
 * (or the other way round); both are remembered for the model in `quirks`, so later calls ask
 * the right way at once. Reasoning is not the answer: `<think>` blocks are cut from the
 * content and `reasoning_content` is never read. With `stream` the answer is read as events.
 *
 * The SDK never retries (`maxRetries: 0`): Loom's durable queue owns retries and backoff.
 * Every body is read with a byte limit (see `cappedFetch`). Failures are thrown as
 * {@link LlmError}.
 */
export async function chatCall(opts: ChatCallOptions): Promise<ChatAnswer> {
  const { model, messages, signal } = opts;
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const quirks = opts.quirks ?? PROCESS_QUIRKS;
  let errorBody: string | undefined;
  let tooLarge = false;
  const client = createClient(
    model,
    cappedFetch(opts.fetch ?? fetch, {
      maxBytes,
      keepErrorBody: (body) => void (errorBody = body),
      tooLarge: () => void (tooLarge = true),
    }),
  );

  const modes = fallbackChain(opts.structuredOutput ?? model.structuredOutput);
  let modeIndex = 0;
  for (let request = 1;; request++) {
    const mode = modes[modeIndex];
    const learnt = quirks.get(model);
    const sendTemperature = model.temperature !== null && !learnt.noTemperature;
    const tokenParam = learnt.tokenParam ?? model.tokenParam ?? "max_tokens";
    errorBody = undefined;
    const idle = { timedOut: false };
    let endTurn: (() => void) | undefined;
    try {
      endTurn = await opts.limiter?.acquire(model.baseUrl, model.maxConcurrency, signal);
      const body = {
        model: model.model,
        messages,
        ...(sendTemperature ? { temperature: model.temperature as number } : {}),
        [tokenParam]: model.maxTokens,
        ...(responseFormat(mode) ? { response_format: responseFormat(mode) } : {}),
      };
      const answer = model.stream
        ? await streamed(client, body, model, signal, idle)
        : await whole(client, body, model, signal);
      return { ...answer, content: stripReasoning(answer.content), structuredOutput: mode };
    } catch (err) {
      if (tooLarge) {
        const how = `${describeModel(model)} sent a response larger than ${maxBytes} bytes ` +
          `(LOOM_LLM_MAX_RESPONSE_BYTES); it was not read further`;
        throw new LlmError("too_large", how);
      }
      if (idle.timedOut) {
        throw new LlmError(
          "timeout",
          `${describeModel(model)} sent nothing for ${model.timeoutS}s while streaming`,
        );
      }
      const status = err instanceof APIError ? err.status : undefined;
      const said = errorBody ?? "";
      if (request < MAX_REQUESTS && !signal?.aborted && status !== undefined) {
        if (sendTemperature && rejectsTemperature(status, said)) {
          quirks.learn(model, { noTemperature: true });
          continue;
        }
        const other = otherTokenParam(status, said, tokenParam);
        if (other) {
          quirks.learn(model, { tokenParam: other });
          continue;
        }
        if (modeIndex < modes.length - 1 && rejectsResponseFormat(status, said)) {
          modeIndex++;
          continue;
        }
      }
      throw toLlmError(err, { model, signal, errorBody });
    } finally {
      endTurn?.();
    }
  }
}

type RequestBody = Parameters<OpenAI["chat"]["completions"]["create"]>[0];
type Answer = Omit<ChatAnswer, "structuredOutput">;

/** One request answered with one JSON completion. */
async function whole(
  client: OpenAI,
  body: RequestBody,
  model: ModelSpec,
  signal?: AbortSignal,
): Promise<Answer> {
  const completion = await client.chat.completions.create({ ...body, stream: false }, { signal });
  const choice = completion.choices?.[0];
  if (!choice) throw noChoice(model, completion);
  // `reasoning_content` (DeepSeek, vLLM, Ollama's `reasoning`) is never read: only the answer is.
  return {
    content: choice.message?.content ?? "",
    finishReason: choice.finish_reason ?? null,
    usage: usageOf(completion.usage),
  };
}

/**
 * One request answered as server-sent events. The SDK's timeout covers the wait for the
 * response's head; after it, a timer restarted by every chunk aborts the read when the server
 * falls silent for `timeoutS`, however long the whole answer takes. The byte cap of
 * `cappedFetch` still counts every byte of the stream.
 */
async function streamed(
  client: OpenAI,
  body: RequestBody,
  model: ModelSpec,
  signal: AbortSignal | undefined,
  idle: { timedOut: boolean },
): Promise<Answer> {
  const silence = new AbortController();
  const both = signal ? AbortSignal.any([signal, silence.signal]) : silence.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const restart = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle.timedOut = true;
      silence.abort();
    }, model.timeoutS * 1000);
  };
  try {
    const stream = await client.chat.completions.create({
      ...body,
      stream: true,
      // The last chunk then carries the usage, which streams otherwise leave out.
      stream_options: { include_usage: true },
    }, { signal: both });
    restart();
    let content = "";
    let finishReason: string | null = null;
    let sawChoice = false;
    let usage = usageOf(undefined);
    for await (const chunk of stream) {
      restart();
      const choice = chunk.choices?.[0];
      if (choice) {
        sawChoice = true;
        // Deltas of `reasoning_content` are thinking, not the answer: left out.
        content += choice.delta?.content ?? "";
        finishReason = choice.finish_reason ?? finishReason;
      }
      if (chunk.usage) usage = usageOf(chunk.usage);
    }
    // The SDK ends the iteration quietly on an abort: a cut answer must not pass for a whole one.
    if (idle.timedOut || signal?.aborted) throw new Error("the stream was aborted");
    if (!sawChoice) throw noChoice(model, {});
    return { content, finishReason, usage };
  } finally {
    clearTimeout(timer);
  }
}

/** One answered call's usage as the server reported it (some servers report none). */
function usageOf(
  reported:
    | {
      prompt_tokens?: number;
      completion_tokens?: number;
      prompt_tokens_details?: { cached_tokens?: number } | null;
    }
    | null
    | undefined,
): Usage {
  const cached = reported?.prompt_tokens_details?.cached_tokens;
  return {
    promptTokens: reported?.prompt_tokens ?? 0,
    // Only when the server says: absent is "unknown", which prices as uncached input.
    ...(typeof cached === "number" && cached >= 0 ? { cachedTokens: cached } : {}),
    completionTokens: reported?.completion_tokens ?? 0,
    calls: 1,
  };
}

// Some servers answer 200 with an error body instead of an error status.
function noChoice(model: ModelSpec, completion: unknown): LlmError {
  const reason = (completion as { error?: { message?: unknown } }).error?.message;
  const how = `${describeModel(model)} answered without any choice`;
  const message = how + (reason ? `: ${String(reason).slice(0, 300)}` : "");
  return new LlmError("server", scrubCredentials(redact(message, model)), { publicMessage: how });
}

function createClient(model: ModelSpec, fetchImpl: typeof fetch): OpenAI {
  return new OpenAI({
    baseURL: model.baseUrl,
    // The SDK refuses to start without a key; a keyless server gets a placeholder that the
    // `Authorization: null` header below keeps off the wire.
    apiKey: model.apiKey || "unused",
    ...(model.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
    // Without these the SDK reads OPENAI_* variables and would send them to every server.
    organization: null,
    project: null,
    adminAPIKey: null,
    timeout: model.timeoutS * 1000,
    maxRetries: 0,
    fetch: fetchImpl,
    // Loom does its own logging; the SDK's would go to the console unstructured.
    logLevel: "off",
  });
}
