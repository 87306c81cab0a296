/**
 * Keeping the complete findings of an answer cut off at `max_tokens`.
 * @module
 */

import { stripThinking } from "./extract_json.ts";
import { nextJsonStart, walkBrackets } from "./json_brackets.ts";

/** What {@link cutAfterLastCompleteItem} kept. */
export interface Cut {
  text: string;
  /** True when the JSON was whole after all (the model rambled on after it). */
  complete: boolean;
}

/**
 * Cuts a truncated answer right after its last complete array item (for findings: the last
 * finding whose closing `}` was written), or keeps the JSON whole if it was in fact complete.
 * `undefined` when no item was completed.
 *
 * Repairing the raw truncated text instead would close the half-written last finding too,
 * passing off a body cut mid-sentence as whole; this keeps only what the model finished.
 * The result still lacks closing brackets: `parseFindings` repairs those.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cutAfterLastCompleteItem } from "./salvage_truncated.ts";
 *
 * assert.deepEqual(cutAfterLastCompleteItem('{"findings": [{"path": "a.ts"}, {"path": "b'), {
 *   text: '{"findings": [{"path": "a.ts"}',
 *   complete: false,
 * });
 * ```
 */
export function cutAfterLastCompleteItem(answer: string): Cut | undefined {
  const text = stripThinking(answer);
  const start = nextJsonStart(text);
  if (start === undefined) return undefined;
  const { end, itemEnds } = walkBrackets(text, start);
  if (end !== undefined) return { text: text.slice(0, end + 1), complete: true };
  const last = itemEnds.at(-1);
  return last === undefined ? undefined : { text: text.slice(0, last + 1), complete: false };
}
