/**
 * Finding the JSON in what a model wrote.
 * @module
 */

import { jsonrepair } from "jsonrepair";
import { nextJsonStart, walkBrackets } from "./json_brackets.ts";

// Enough for prose with a few brackets before the answer; each start costs a parse attempt.
const MAX_STARTS = 5;

/** A JSON object or array found in an answer. */
export interface FoundJson {
  value: unknown;
  /** True when the whole answer was exactly this JSON: nothing was cut away or repaired. */
  clean: boolean;
}

/**
 * The JSON values an answer may contain, most likely first. Callers take the first one with the
 * shape they expect: a `[1]` in the prose must not hide the findings object after it.
 *
 * Tried first as strict JSON and then through `jsonrepair` (trailing commas, single quotes,
 * comments, Python literals, unclosed brackets): the whole answer, the body of each markdown
 * code fence, each top-level balanced `{…}` or `[…]` span (or, cut short, the rest of the text).
 * `<think>…</think>` blocks of reasoning models are dropped first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { findJson } from "./extract_json.ts";
 *
 * const fence = "`".repeat(3);
 * const answer = `Here you go:\n${fence}json\n{"findings": [],}\n${fence}`;
 * assert.deepEqual([...findJson(answer)][0], { value: { findings: [] }, clean: false });
 * ```
 */
export function* findJson(answer: string): Generator<FoundJson> {
  const trimmed = answer.trim();
  const stripped = stripThinking(trimmed);
  const spans = candidateSpans(stripped);
  for (const source of unique([trimmed, stripped, ...spans])) {
    const value = tryParse(source);
    if (isContainer(value)) yield { value, clean: source === trimmed };
  }
  // The whole text goes last here: jsonrepair turns prose lines around JSON into array items.
  for (const source of unique([...spans, stripped, trimmed])) {
    const value = tryRepair(source);
    if (isContainer(value)) yield { value, clean: false };
  }
}

/** Removes the reasoning blocks some local models (DeepSeek R1, Qwen 3) put before answers. */
export function stripThinking(text: string): string {
  return text.replace(/<(think|thinking)>[\s\S]*?<\/\1>/gi, "").trim();
}

function candidateSpans(text: string): string[] {
  const spans: string[] = [];
  // An unclosed fence (output cut short) runs to the end of the text.
  for (const fence of text.matchAll(/```[\w-]*[ \t]*\r?\n?([\s\S]*?)(?:```|$)/g)) {
    spans.push(fence[1].trim());
  }
  // Top-level spans only: a finding inside a broken answer must not pass for the whole answer.
  let from = 0;
  for (let n = 0; n < MAX_STARTS; n++) {
    const start = nextJsonStart(text, from);
    if (start === undefined) break;
    const { end } = walkBrackets(text, start);
    spans.push(text.slice(start, end === undefined ? undefined : end + 1));
    if (end === undefined) break;
    from = end + 1;
  }
  return spans.filter((s) => s.length > 0);
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function tryRepair(text: string): unknown {
  try {
    return JSON.parse(jsonrepair(text));
  } catch {
    return undefined;
  }
}

function isContainer(value: unknown): boolean {
  return typeof value === "object" && value !== null;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
