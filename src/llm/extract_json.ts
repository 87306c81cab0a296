/**
 * Finding the JSON in what a model wrote.
 * @module
 */

import { jsonrepair } from "jsonrepair";
import { nestsDeeperThan, nextJsonStart, walkBrackets } from "./json_brackets.ts";

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

/**
 * Removes the reasoning blocks some local models (DeepSeek R1, Qwen 3) put before answers: each
 * `<think>` or `<thinking>` (any case) through the first closing tag of the same name after it.
 * An opening tag without one is kept.
 *
 * In linear time, for answers a hostile endpoint writes: a lazy regex looked for a closing tag
 * from every unclosed opening one, each time to the end of the text (280,000 characters of
 * `<think>` took seconds). Here a name found unclosed once is never looked for again, and each
 * search for a closing tag starts where the last block ended.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stripThinking } from "./extract_json.ts";
 *
 * assert.equal(stripThinking("<think>hmm</think>\n{}"), "{}");
 * assert.equal(stripThinking("<think>cut short {}"), "<think>cut short {}");
 * ```
 */
export function stripThinking(text: string): string {
  const open = /<(think|thinking)>/gi;
  const closes: Record<string, RegExp> = { think: /<\/think>/gi, thinking: /<\/thinking>/gi };
  const unclosed = new Set<string>();
  let kept = "";
  let from = 0;
  for (let tag = open.exec(text); tag; tag = open.exec(text)) {
    const name = tag[1].toLowerCase();
    if (unclosed.has(name)) continue;
    const close = closes[name];
    close.lastIndex = open.lastIndex;
    if (!close.exec(text)) {
      unclosed.add(name);
      continue;
    }
    kept += text.slice(from, tag.index);
    from = open.lastIndex = close.lastIndex;
  }
  return (kept + text.slice(from)).trim();
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

// Far deeper than findings JSON goes, far shallower than what overflows jsonrepair's stack.
const MAX_REPAIR_DEPTH = 64;

function tryRepair(text: string): unknown {
  if (nestsDeeperThan(text, MAX_REPAIR_DEPTH)) return undefined;
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
