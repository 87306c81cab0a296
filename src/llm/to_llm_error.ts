/**
 * Turning whatever a model call threw into an {@link LlmError}.
 * @module
 */

import { APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { retryAfterMs } from "../net/mod.ts";
import { displayUrl, redact, scrubCredentials } from "../secrets/mod.ts";
import { LlmError } from "./llm_error.ts";
import type { ModelSpec } from "./model_spec.ts";

/** What {@link toLlmError} needs besides the error. */
export interface ErrorContext {
  model: ModelSpec;
  signal?: AbortSignal;
  /** The failed response's body as text; the SDK drops bodies without an `error` key. */
  errorBody?: string;
}

/**
 * Classifies an error thrown by the `openai` SDK (or by Loom around it) as an {@link LlmError}:
 * 429 is `rate_limited` with `Retry-After`, 408 and timeouts `timeout`, 5xx and bodies that are
 * not JSON `server`, failed connections `network`, other 4xx (and bad config) `client`. Messages
 * name the model and base URL and are scrubbed of the API key and of common credential shapes;
 * what the endpoint said is in the message only, never in the public one (see `LlmError`). The
 * SDK error is not kept as `cause` because loggers print causes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { APIError } from "openai";
 * import { toLlmError } from "./to_llm_error.ts";
 *
 * const model = {
 *   name: "fast", baseUrl: "http://model.test/v1", model: "m", temperature: 0,
 *   maxTokens: 1000, timeoutS: 60, structuredOutput: "none" as const,
 * };
 * const body = "db password=hunter2 is wrong";
 * const error = toLlmError(APIError.generate(500, undefined, "oops", new Headers()), {
 *   model,
 *   errorBody: body,
 * });
 * assert.equal(error.publicMessage, 'model "fast" (m at http://model.test/v1) failed (HTTP 500)');
 * assert.match(error.message, /failed \(HTTP 500\): db password=\*\*\* is wrong/);
 * ```
 */
export function toLlmError(err: unknown, ctx: ErrorContext): LlmError {
  if (err instanceof LlmError) return err;
  const who = describeModel(ctx.model);
  // `how` is all a comment may show; `said` is the endpoint's (or the runtime's) own words.
  const make = (kind: LlmError["kind"], how: string, said?: string, options = {}, after = "") =>
    new LlmError(kind, scrub(said ? `${how}: ${said}${after}` : how + after, ctx.model), {
      ...options,
      publicMessage: scrub(how + after, ctx.model),
    });

  if (ctx.signal?.aborted || err instanceof APIUserAbortError) {
    return make("aborted", `request to ${who} was aborted`);
  }
  if (err instanceof APIConnectionTimeoutError) {
    return make("timeout", `${who} did not answer within ${ctx.model.timeoutS}s`);
  }
  if (err instanceof APIError && (err.status === undefined || err.headers === undefined)) {
    const cause = err.cause instanceof Error ? causeChain(err.cause) : err.message;
    return make("network", `could not reach ${who} (${connectionFailure(cause)})`, cause);
  }
  if (err instanceof APIError) {
    const status: number = err.status;
    const detail = errorDetail(ctx.errorBody) ?? err.message;
    const wait = retryAfterMs(err.headers);
    const options = { status, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
    if (status === 429) {
      return make("rate_limited", `${who} is rate limited (429)`, detail, options);
    }
    if (status === 408) return make("timeout", `${who} timed out (408)`, detail, options);
    if (status >= 500) return make("server", `${who} failed (HTTP ${status})`, detail, options);
    return make(
      "client",
      `${who} rejected the request (HTTP ${status})`,
      detail,
      { status },
      hint(status),
    );
  }
  // A 200 whose body is not JSON: a proxy's login page or a broken server, not our request.
  if (err instanceof SyntaxError) {
    return make("server", `${who} sent an answer that is not JSON`, err.message);
  }
  const message = err instanceof Error ? err.message : String(err);
  return make("client", `calling ${who} failed`, message);
}

// Long enough for any real error message; scrubbing stays cheap on whatever a server sends.
const SAID_MAX_CHARS = 2_000;

function scrub(text: string, model: ModelSpec): string {
  const short = text.length > SAID_MAX_CHARS ? `${text.slice(0, SAID_MAX_CHARS)}…` : text;
  return scrubCredentials(redact(short, model));
}

/** An error's message and its causes' (fetch says "fetch failed", its cause says why). */
function causeChain(error: Error): string {
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error && messages.length < 4; e = e.cause) {
    messages.push(e.message);
  }
  return messages.join(": ");
}

/** How a connection failed, in words of Loom's, from the runtime's message about it. */
function connectionFailure(cause: string): string {
  if (/refused/i.test(cause)) return "connection refused";
  if (/dns|lookup|resolve|not known/i.test(cause)) return "host name not resolved";
  if (/reset|closed|broken pipe/i.test(cause)) return "connection closed";
  if (/certificate|tls|ssl/i.test(cause)) return "TLS failure";
  return "network error";
}

/**
 * How messages name a model: Loom's name, the model id and where it is served.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeModel } from "./to_llm_error.ts";
 *
 * const text = describeModel({
 *   name: "fast", baseUrl: "https://api.openai.com/v1", model: "gpt-4o-mini", temperature: 0,
 *   maxTokens: 1000, timeoutS: 60, structuredOutput: "json_schema",
 * });
 * assert.equal(text, 'model "fast" (gpt-4o-mini at https://api.openai.com/v1)');
 * ```
 */
export function describeModel(model: ModelSpec): string {
  return `model "${model.name}" (${model.model} at ${displayUrl(model.baseUrl)})`;
}

function hint(status: number): string {
  if (status === 401 || status === 403) return "; check the api_key configured for this model";
  if (status === 404) return "; check the model id and base_url";
  return "";
}

/** The human part of an error body in the shapes OpenAI, Ollama, vLLM and FastAPI use. */
function errorDetail(body: string | undefined): string | undefined {
  if (!body?.trim()) return undefined;
  let detail: unknown = body;
  try {
    const json = JSON.parse(body);
    detail = json?.error?.message ?? json?.error ?? json?.message ?? json?.detail ?? json;
  } catch {
    // Not JSON (an HTML error page, plain text): show it as it is.
  }
  const text = typeof detail === "string" ? detail : JSON.stringify(detail);
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 300 ? flat.slice(0, 300) + "…" : flat;
}
