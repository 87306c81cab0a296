/**
 * Taking a reasoning model's thinking out of its answer.
 * @module
 */

/**
 * `content` without the `<think>…</think>` (or `<thinking>…</thinking>`) blocks that DeepSeek
 * R1, Qwen3 and other local reasoning models write before their answer. A block left open (the
 * answer was cut while the model was still thinking) is removed to the end: what a model
 * thinks names candidate bugs it later rejects, and must never be read as findings. Only
 * blocks at the start or on their own lines count, so a finding whose body quotes `<think>`
 * inside JSON is left alone.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stripReasoning } from "./strip_reasoning.ts";
 *
 * const content = '<think>\nMaybe line 3 is a bug? No.\n</think>\n{"findings": []}';
 * assert.equal(stripReasoning(content), '{"findings": []}');
 * assert.equal(stripReasoning("<think>still going, line 9 looks"), "");
 * ```
 */
export function stripReasoning(content: string): string {
  const closed = /(^|\n)[ \t]*<(think|thinking|reasoning)>[\s\S]*?<\/\2>[ \t]*/gi;
  let text = content.replace(closed, "$1");
  const open = /(^|\n)[ \t]*<(think|thinking|reasoning)>[\s\S]*$/i;
  text = text.replace(open, "$1");
  return text === content ? content : text.trim();
}
