/**
 * Asking a model to review and getting findings back, whatever the model is like.
 * @module
 */

import type { RawFinding, Severity } from "../findings/mod.ts";
import { redact, scrubCredentials } from "../secrets/mod.ts";
import { type ChatAnswer, chatCall } from "./chat_call.ts";
import type { ChatMessage } from "./chat_message.ts";
import type { EndpointLimiter } from "./endpoint_limiter.ts";
import { LlmError } from "./llm_error.ts";
import type { QuirkMemory } from "./model_quirks.ts";
import type { ModelSpec, StructuredOutput } from "./model_spec.ts";
import { type ParsedFindings, parseFindings } from "./parse_findings.ts";
import { cutAfterLastCompleteItem } from "./salvage_truncated.ts";
import { describeModel } from "./to_llm_error.ts";
import { addUsage, NO_USAGE, type Usage } from "./usage.ts";

/** Findings a model reported, and what getting them took. */
export interface FindingsAnswer {
  findings: RawFinding[];
  /** Tokens over all calls, the re-ask included. */
  usage: Usage;
  /** True when the answer needed repair (see `parseFindings`) or was salvaged from a cut-off. */
  repaired: boolean;
  /** True when the first answer was unusable and the model was asked once more. */
  reasked: boolean;
  /** Findings left out for lacking a path, line or title. */
  dropped: number;
  /** True when the output hit `max_tokens`: the findings are those completed before the cut. */
  truncated: boolean;
  /**
   * The structured-output mode the server accepted. Differs from the model's configured one
   * when the server rejected it; worth a warning so the operator can fix the config.
   */
  structuredOutput: StructuredOutput;
}

/** Inputs of {@link askForFindings}. */
export interface AskForFindingsOptions {
  model: ModelSpec;
  /** The prompt; it should state the findings contract, which `none` mode relies on. */
  messages: ChatMessage[];
  /** Aborts the HTTP call in flight, e.g. when the review job is cancelled. */
  signal?: AbortSignal;
  /** Replaces global fetch, for tests and proxies. */
  fetch?: typeof fetch;
  /** Severity for findings that come without one (or with a word Loom does not know). */
  defaultSeverity?: Severity;
  /** Largest answer read, after decompression; see `chatCall`. */
  maxResponseBytes?: number;
  /** Turns at the model's server, shared by the process; see `chatCall`. */
  limiter?: EndpointLimiter;
  /** Where refused request fields are remembered; see `chatCall`. */
  quirks?: QuirkMemory;
}

/**
 * Sends the prompt to an OpenAI-compatible model and returns the findings it reports.
 *
 * - Asks for JSON per the model's `structuredOutput`; a server answering 400/422 about
 *   `response_format` is asked again within this call with `json_object`, then `none`
 *   (the accepted mode is in the answer).
 * - Repairs sloppy JSON (see `parseFindings`). If the answer still cannot be used, asks once
 *   more, showing the model its answer and what was wrong; a second failure throws
 *   `LlmError{kind: "unparseable"}`.
 * - On `finish_reason: "length"` keeps the findings completed before the cut (`truncated`,
 *   `repaired`) and does not re-ask, which would be cut again; with no complete finding it
 *   throws `LlmError{kind: "length"}` rather than pass off a cut answer as "nothing found".
 * - Never retries HTTP failures: they are thrown as {@link LlmError} (with `retryable` and
 *   `retryAfterMs`) for Loom's queue to schedule. Each HTTP call gets the model's `timeoutS`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { askForFindings } from "./ask_for_findings.ts";
 * import type { ModelSpec } from "./model_spec.ts";
 *
 * const model: ModelSpec = {
 *   name: "local", baseUrl: "http://model.test/v1", model: "m", temperature: 0,
 *   maxTokens: 1000, timeoutS: 30, structuredOutput: "json_object",
 * };
 * // A model that answers in a markdown fence with a trailing comma, as small models do.
 * const fence = "`".repeat(3);
 * const json = '{"findings": [{"path": "a.ts", "line": 3, "title": "Typo"},]}';
 * const content = `${fence}json\n${json}\n${fence}`;
 * const fakeModel = () =>
 *   Promise.resolve(Response.json({
 *     id: "1", object: "chat.completion", created: 0, model: "m",
 *     choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
 *     usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
 *   }));
 *
 * const answer = await askForFindings({
 *   model,
 *   messages: [{ role: "user", content: "Review this diff: ..." }],
 *   fetch: fakeModel,
 *   defaultSeverity: "warning",
 * });
 * assert.deepEqual(answer.findings, [
 *   { path: "a.ts", line: 3, title: "Typo", body: "", severity: "warning" },
 * ]);
 * assert.equal(answer.repaired, true);
 * assert.equal(answer.reasked, false);
 * assert.deepEqual(answer.usage, { promptTokens: 120, completionTokens: 30, calls: 1 });
 * ```
 */
export async function askForFindings(opts: AskForFindingsOptions): Promise<FindingsAnswer> {
  const { model } = opts;
  let usage = NO_USAGE;
  let mode = model.structuredOutput;

  const ask = async (messages: ChatMessage[]): Promise<ChatAnswer> => {
    try {
      const answer = await chatCall({ ...opts, messages, structuredOutput: mode });
      usage = addUsage(usage, answer.usage);
      mode = answer.structuredOutput;
      return answer;
    } catch (err) {
      if (err instanceof LlmError) err.usage = usage;
      throw err;
    }
  };
  const finish = (parsed: Read, reasked: boolean): FindingsAnswer => ({
    findings: parsed.findings.map((f) =>
      f.severity || !opts.defaultSeverity ? f : { ...f, severity: opts.defaultSeverity }
    ),
    usage,
    repaired: parsed.repaired,
    reasked,
    dropped: parsed.dropped,
    truncated: parsed.truncated,
    structuredOutput: mode,
  });

  const first = await ask(opts.messages);
  const parsed = read(first, model, () => usage);
  if (parsed.ok) return finish(parsed, false);

  const second = await ask([...opts.messages, ...reask(first.content, parsed.error)]);
  const reparsed = read(second, model, () => usage);
  if (reparsed.ok) return finish(reparsed, true);

  const snippet = second.content.trim().slice(0, 120).replace(/\s+/g, " ");
  const how = `${describeModel(model)} answered twice without usable findings JSON`;
  throw new LlmError(
    "unparseable",
    scrubCredentials(redact(
      `${how}: ${reparsed.error}` +
        (snippet ? `; the second answer began: ${JSON.stringify(snippet)}` : ""),
      model,
    )),
    // The error names keys of the answer and the snippet quotes it: both are the endpoint's.
    { usage, publicMessage: how },
  );
}

type Read = Extract<ParsedFindings, { ok: true }> & { truncated: boolean };

function read(
  answer: ChatAnswer,
  model: ModelSpec,
  usage: () => Usage,
): Read | Extract<ParsedFindings, { ok: false }> {
  if (answer.finishReason !== "length") {
    const parsed = parseFindings(answer.content);
    return parsed.ok ? { ...parsed, truncated: false } : parsed;
  }
  const cut = cutAfterLastCompleteItem(answer.content);
  const parsed = cut ? parseFindings(cut.text) : undefined;
  if (parsed?.ok && cut?.complete) return { ...parsed, truncated: false };
  if (parsed?.ok && parsed.findings.length > 0) {
    return { ...parsed, repaired: true, truncated: true };
  }
  throw new LlmError(
    "length",
    `${describeModel(model)} stopped at max_tokens (${model.maxTokens}) before completing a ` +
      `finding; raise max_tokens or send a smaller diff`,
    { usage: usage() },
  );
}

function reask(previous: string, error: string): ChatMessage[] {
  return [
    ...(previous.trim() ? [{ role: "assistant" as const, content: previous }] : []),
    {
      role: "user",
      content: `Your answer could not be used: ${error}. Reply again with only the JSON object ` +
        `{"findings": [...]} described above: no prose, no code fences. Every finding needs ` +
        `"path", "line", "title" and "body". If there is nothing to report, reply ` +
        `{"findings": []}.`,
    },
  ];
}
