/**
 * One chat completion through the `openai` SDK.
 * @module
 */

import OpenAI, { APIError } from "openai";
import { redact, scrubCredentials } from "../secrets/mod.ts";
import { cappedFetch, DEFAULT_MAX_RESPONSE_BYTES } from "./capped_fetch.ts";
import type { ChatMessage } from "./chat_message.ts";
import { LlmError } from "./llm_error.ts";
import type { ModelSpec, StructuredOutput } from "./model_spec.ts";
import { fallbackChain, rejectsResponseFormat, responseFormat } from "./response_format.ts";
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
}

/**
 * Sends one chat completion and returns the first choice. When the server answers 400/422
 * about `response_format`, the same call is repeated with the next weaker mode
 * (`json_schema` → `json_object` → `none`), so a local server without structured outputs
 * still works; the mode that was accepted is returned for the caller to report.
 *
 * The SDK never retries (`maxRetries: 0`): Loom's durable queue owns retries and backoff.
 * Every body is read with a byte limit (see `cappedFetch`). Failures are thrown as
 * {@link LlmError}.
 */
export async function chatCall(opts: ChatCallOptions): Promise<ChatAnswer> {
  const { model, messages, signal } = opts;
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
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
  for (let i = 0;; i++) {
    const mode = modes[i];
    errorBody = undefined;
    const format = responseFormat(mode);
    try {
      const completion = await client.chat.completions.create({
        model: model.model,
        messages,
        temperature: model.temperature,
        max_tokens: model.maxTokens,
        ...(format ? { response_format: format } : {}),
      }, { signal });
      const choice = completion.choices?.[0];
      if (!choice) {
        // Some servers answer 200 with an error body instead of an error status.
        const reason = (completion as { error?: { message?: unknown } }).error?.message;
        const how = `${describeModel(model)} answered without any choice`;
        const message = how + (reason ? `: ${String(reason).slice(0, 300)}` : "");
        throw new LlmError("server", scrubCredentials(redact(message, model)), {
          publicMessage: how,
        });
      }
      return {
        content: choice.message?.content ?? "",
        finishReason: choice.finish_reason ?? null,
        usage: {
          promptTokens: completion.usage?.prompt_tokens ?? 0,
          completionTokens: completion.usage?.completion_tokens ?? 0,
          calls: 1,
        },
        structuredOutput: mode,
      };
    } catch (err) {
      if (tooLarge) {
        const how = `${describeModel(model)} sent a response larger than ${maxBytes} bytes ` +
          `(LOOM_LLM_MAX_RESPONSE_BYTES); it was not read further`;
        throw new LlmError("too_large", how);
      }
      const status = err instanceof APIError ? err.status : undefined;
      const last = i === modes.length - 1;
      if (!last && !signal?.aborted && rejectsResponseFormat(status, errorBody ?? "")) continue;
      throw toLlmError(err, { model, signal, errorBody });
    }
  }
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
