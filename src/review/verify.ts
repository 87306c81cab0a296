/**
 * The second look: one more call shows the model a pipeline's findings with their code and asks
 * it to score each for being real and actionable; findings under the minimum score are dropped
 * from the pull request (kept, with their score, for the JSON output and the admin API).
 * @module
 */
import type { DiffFile } from "../diff/mod.ts";
import type { Finding } from "../findings/mod.ts";
import {
  addUsage,
  chatCall,
  type ChatMessage,
  type EndpointLimiter,
  findJson,
  LlmError,
  type ModelSpec,
  NO_USAGE,
  type StructuredOutput,
  type Usage,
} from "../llm/mod.ts";

/** A finding the second look scored under `review.min_score`: not posted, but kept. */
export interface DroppedFinding extends Finding {
  dropped: true;
  /** The score it got, 0 to 10. */
  score: number;
  /** Why, in the model's words (escaped wherever it is shown). */
  scoreReason?: string;
}

/** How the second look went; see {@link verifyFindings}. */
export interface VerifyResult {
  /** Findings that scored at least the minimum, with their score, and those left unscored. */
  kept: Finding[];
  dropped: DroppedFinding[];
  /** Findings no score was had for (a failed call, an answer that skipped them): kept as is. */
  unverified: number;
  usage: Usage;
  /** Why (part of) the second look failed, safe for a comment; unset when every call answered. */
  error?: string;
  /** The same with what the endpoint said, redacted: for the log and the admin API. */
  errorDetail?: string;
}

/** Inputs of {@link verifyFindings}. */
export interface VerifyOptions {
  model: ModelSpec;
  findings: Finding[];
  /** The diff the findings are anchored on, where their code is read from. */
  files: DiffFile[];
  /** Findings scoring under this (0-10) are dropped. */
  minScore: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
  maxResponseBytes?: number;
  /** Shares the endpoint's concurrency limit with the review's other calls. */
  limiter?: EndpointLimiter;
  /** Wraps each call, e.g. to retry it in place; calls it once by default. */
  attempt?: <T>(call: () => Promise<T>) => Promise<T>;
}

/** A score the model gave one finding. */
export interface Score {
  score: number;
  reason?: string;
}

/** What {@link parseScores} read: scores by finding id, or why none could be used. */
export type ParsedScores =
  | { ok: true; scores: Map<number, Score> }
  | { ok: false; error: string };

// Keeps each call's prompt well inside a 32k-token context window, whatever the model wrote.
const BATCH = 20;
const MAX_BODY_CHARS = 600;
const MAX_CODE_LINE_CHARS = 200;
const CODE_AROUND = 2;
const LIST_KEYS = ["scores", "findings", "results", "ratings"];

const SYSTEM = `You are checking the findings of an automated code review before they are posted \
on a pull request. For each finding, look at the code it points at and score how likely it is \
to be real and actionable: 0 means wrong or pointless (the code does not do what the finding \
says, or nobody should change anything), 5 means plausible but unsure, 10 means certainly a \
real problem worth fixing. Judge only from the code shown; do not invent context.

Answer with only this JSON object, no prose and no code fences:
{"scores": [{"id": <the finding's id>, "score": <whole number 0-10>, "reason": "<one sentence>"}]}
Give one entry for every finding.`;

/**
 * Scores `findings` with `model`, in batches of 20, and splits them by `minScore`. Never loses a
 * finding: one a call failed for, or one the answer skipped, is kept unverified and counted, and
 * the failure is in `error`. Answers are read as forgivingly as findings are (fences, prose,
 * repairable JSON, `"id"` as a string, a bare array), and an unusable one is asked for once
 * more. Models configured for `json_schema` are asked for `json_object` here: the schema mode
 * of the model client carries the findings schema.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyFindings } from "./verify.ts";
 *
 * const finding = {
 *   path: "a.ts", line: 1, severity: "warning" as const, pipeline: "quality",
 *   title: "Unused variable", body: "", fingerprint: "f", inDiff: true,
 * };
 * const content = '{"scores": [{"id": 1, "score": 2, "reason": "it is used below"}]}';
 * const fakeModel = () =>
 *   Promise.resolve(Response.json({
 *     id: "1", object: "chat.completion", created: 0, model: "m",
 *     choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
 *     usage: { prompt_tokens: 80, completion_tokens: 12, total_tokens: 92 },
 *   }));
 * const result = await verifyFindings({
 *   model: {
 *     name: "cheap", baseUrl: "http://model.test/v1", model: "m", temperature: 0,
 *     maxTokens: 500, timeoutS: 30, structuredOutput: "json_object",
 *   },
 *   findings: [finding], files: [], minScore: 5, fetch: fakeModel,
 * });
 * assert.deepEqual(result.kept, []);
 * assert.equal(result.dropped[0].score, 2);
 * assert.deepEqual(result.usage, { promptTokens: 80, completionTokens: 12, calls: 1 });
 * ```
 */
export async function verifyFindings(opts: VerifyOptions): Promise<VerifyResult> {
  const result: VerifyResult = { kept: [], dropped: [], unverified: 0, usage: NO_USAGE };
  const attempt = opts.attempt ?? ((call) => call());
  for (let start = 0; start < opts.findings.length; start += BATCH) {
    const batch = opts.findings.slice(start, start + BATCH);
    let scores: Map<number, Score>;
    try {
      scores = await attempt(() =>
        askForScores(opts, batch, (u) => result.usage = addUsage(result.usage, u))
      );
    } catch (error) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? error;
      const detail = error instanceof Error ? error.message : String(error);
      result.error ??= error instanceof LlmError ? error.publicMessage : detail;
      result.errorDetail ??= detail;
      result.kept.push(...batch);
      result.unverified += batch.length;
      continue;
    }
    batch.forEach((finding, i) => {
      const score = scores.get(i + 1);
      if (!score) {
        result.unverified++;
        result.kept.push(finding);
      } else if (score.score < opts.minScore) {
        result.dropped.push({
          ...finding,
          dropped: true,
          score: score.score,
          ...(score.reason ? { scoreReason: score.reason } : {}),
        });
      } else {
        result.kept.push({ ...finding, score: score.score });
      }
    });
  }
  return result;
}

async function askForScores(
  opts: VerifyOptions,
  batch: Finding[],
  spent: (usage: Usage) => void,
): Promise<Map<number, Score>> {
  const { model } = opts;
  let mode: StructuredOutput = model.structuredOutput === "json_schema"
    ? "json_object"
    : model.structuredOutput;
  const ask = async (messages: ChatMessage[]) => {
    const answer = await chatCall({
      model,
      messages,
      structuredOutput: mode,
      signal: opts.signal,
      fetch: opts.fetch,
      maxResponseBytes: opts.maxResponseBytes,
      limiter: opts.limiter,
    });
    spent(answer.usage);
    mode = answer.structuredOutput;
    return answer.content;
  };
  const messages = verifyMessages(batch, opts.files);
  const first = await ask(messages);
  const parsed = parseScores(first, batch.length);
  if (parsed.ok) return parsed.scores;
  const second = await ask([
    ...messages,
    ...(first.trim() ? [{ role: "assistant" as const, content: first }] : []),
    {
      role: "user",
      content: `Your answer could not be used: ${parsed.error}. Reply again with only the JSON ` +
        `object {"scores": [{"id": 1, "score": 7, "reason": "..."}]}, one entry per finding, ` +
        `scores whole numbers from 0 to 10: no prose, no code fences.`,
    },
  ]);
  const reparsed = parseScores(second, batch.length);
  if (reparsed.ok) return reparsed.scores;
  // Neither answer is quoted: what an endpoint writes never reaches a comment.
  throw new LlmError(
    "unparseable",
    `model ${model.name} (${model.model}) answered the second look twice without usable ` +
      `scores JSON: ${reparsed.error}`,
  );
}

/**
 * The messages of one second-look call: the instructions, then each finding numbered from 1
 * with its place, title, body and the new-side code around its lines (from `files`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseDiff } from "../diff/mod.ts";
 * import { verifyMessages } from "./verify.ts";
 *
 * const files = parseDiff(
 *   "diff --git a/a.ts b/a.ts\n--- a/a.ts\n+++ b/a.ts\n@@ -1 +1,2 @@\n x\n+eval(input);\n",
 * );
 * const [, user] = verifyMessages([{
 *   path: "a.ts", line: 2, severity: "blocker", pipeline: "security", title: "eval",
 *   body: "Code injection.", fingerprint: "f", inDiff: true,
 * }], files);
 * assert.match(user.content, />\s+2 \| eval\(input\);/);
 * ```
 */
export function verifyMessages(findings: Finding[], files: DiffFile[]): ChatMessage[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const items = findings.map((f, i) => {
    const where = f.end_line !== undefined
      ? `${f.path}:${f.line}-${f.end_line}`
      : `${f.path}:${f.line}`;
    const body = f.body.length > MAX_BODY_CHARS ? `${f.body.slice(0, MAX_BODY_CHARS)}…` : f.body;
    const code = codeAround(byPath.get(f.path), f.line, f.end_line ?? f.line);
    return [
      `## Finding ${i + 1}`,
      `id: ${i + 1}`,
      `where: ${where} (${f.severity})`,
      `title: ${f.title}`,
      ...(body ? [`body: ${body}`] : []),
      code
        ? `code (new side, ">" marks the lines the finding is about):\n${code}`
        : "code: (not part of this change)",
    ].join("\n");
  });
  return [
    { role: "system", content: SYSTEM },
    { role: "user", content: `Score these ${findings.length} findings.\n\n${items.join("\n\n")}` },
  ];
}

function codeAround(file: DiffFile | undefined, from: number, to: number): string {
  if (!file) return "";
  const lines: string[] = [];
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) {
      const n = line.newLine;
      if (n === null || n < from - CODE_AROUND || n > to + CODE_AROUND) continue;
      const text = line.text.length > MAX_CODE_LINE_CHARS
        ? `${line.text.slice(0, MAX_CODE_LINE_CHARS)}…`
        : line.text;
      lines.push(`${n >= from && n <= to ? ">" : " "} ${String(n).padStart(5)} | ${text}`);
    }
  }
  return lines.join("\n");
}

/**
 * Reads the scores of an answer about `count` findings (ids 1 to `count`). Forgives what small
 * models send: fences, prose around the JSON, repairable syntax, a bare array, `"scores"` named
 * `"findings"` or `"results"`, ids and scores as numeric strings, fractional scores (rounded).
 * Entries with an unknown id or a score outside 0-10 are skipped; an answer without a single
 * usable entry fails, with what is wrong phrased for a re-ask.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseScores } from "./verify.ts";
 *
 * const parsed = parseScores('Sure: [{"id": "1", "score": "8"}, {"id": 9, "score": 1}]', 2);
 * assert.ok(parsed.ok);
 * assert.deepEqual([...parsed.scores], [[1, { score: 8 }]]);
 * ```
 */
export function parseScores(text: string, count: number): ParsedScores {
  if (!text.trim()) return { ok: false, error: "the answer was empty" };
  let error: string | undefined;
  for (const found of findJson(text)) {
    const list = scoreList(found.value);
    if (!list) {
      error ??= 'expected an object {"scores": [...]}';
      continue;
    }
    const scores = new Map<number, Score>();
    for (const item of list) {
      const entry = readScore(item, count);
      if (entry && !scores.has(entry.id)) {
        scores.set(entry.id, {
          score: entry.score,
          ...(entry.reason ? { reason: entry.reason } : {}),
        });
      }
    }
    if (scores.size > 0) return { ok: true, scores };
    error ??= `no entry had an "id" from 1 to ${count} and a "score" from 0 to 10`;
  }
  return { ok: false, error: error ?? 'the answer contains no JSON object with a "scores" array' };
}

function scoreList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  for (const key of LIST_KEYS) if (Array.isArray(record[key])) return record[key] as unknown[];
  return "id" in record && "score" in record ? [record] : undefined;
}

function readScore(item: unknown, count: number) {
  if (typeof item !== "object" || item === null) return undefined;
  const record = item as Record<string, unknown>;
  const id = toNumber(record.id ?? record.finding);
  const score = toNumber(record.score ?? record.rating);
  if (id === undefined || !Number.isInteger(id) || id < 1 || id > count) return undefined;
  if (score === undefined || score < 0 || score > 10) return undefined;
  const reason = typeof record.reason === "string" ? record.reason.trim().slice(0, 500) : "";
  return { id, score: Math.round(score), reason };
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}
